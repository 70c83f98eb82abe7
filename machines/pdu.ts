// The PDUs that travel on the channel between the two MTAs.
//
// RTSE (X.228) in X.410-1984 mode carries its open PDUs as user data of the session
// CONNECT / ACCEPT / REFUSE SPDUs, so the model merges RTSE and session into one protocol
// machine per MTA and these are the units the channel carries. The session SPDU names
// (AS, DT, MIP, ...) are used where the session layer is what acts.
//
// Every PDU is plain, immutable data (no classes, Maps or Sets) so composed states can be
// keyed and compared.

export type DialogueMode = 'monologue' | 'twa';

/**
 * The session token-setting item of a connect: which side of this session connection holds
 * the Turn (the data, minor-sync and activity tokens) once it is accepted. The caller is the
 * side that sent the connect, the association initiator or, for a recovery, whichever MTA
 * recovers.
 */
export type TokenSetting = 'caller' | 'called';

/**
 * RTORQ / RTOAC connectionData: a fresh association, or the recovery of a lost one. Either way
 * it names the session connection identifier, which the initiator chooses (in X.225 the
 * calling user reference and a common reference; here a number).
 */
export type ConnectionData =
  | { readonly kind: 'open'; readonly connectionId: number }
  | { readonly kind: 'recover'; readonly connectionId: number };

export type RefuseReason = 'rtsBusy' | 'cannotRecover' | 'validationFailure' | 'unacceptableDialogueMode';

/** The X.228 reason an exception report (ER) gives here; the only one the model uses. */
export type ReportReason = 'transferCompleted';

/** RT-OPEN request, carried in the session CONNECT SPDU. */
export interface RTORQ {
  readonly kind: 'RTORQ';
  /** In units of 1024 octets. A proposal of 0 lets the acceptor choose; an agreed 0 means no checkpointing and so no recovery. */
  readonly checkpointSize: number;
  readonly windowSize: number;
  readonly dialogueMode: DialogueMode;
  readonly connectionData: ConnectionData;
  /** The session token-setting item: who holds the Turn once connected. */
  readonly initialTurn: TokenSetting;
}

/** RT-OPEN accept, carried in the session ACCEPT SPDU. */
export interface RTOAC {
  readonly kind: 'RTOAC';
  readonly checkpointSize: number;
  readonly windowSize: number;
  readonly connectionData: ConnectionData;
  readonly initialTurn: TokenSetting;
}

/** RT-OPEN refuse, carried in the session REFUSE SPDU. */
export interface RTORJ {
  readonly kind: 'RTORJ';
  readonly reason: RefuseReason;
}

/** ACTIVITY-START: one RT-TRANSFER (one P1 message) is one session activity. */
export interface AS {
  readonly kind: 'AS';
  readonly activity: number;
}

/**
 * DATA TRANSFER: one segment of checkpointSize KB. A real DT carries only the data; `fromKB`
 * and `toKB` (where in the message it lies) are for verification only: the receiver notes
 * whether the data arrived whole and in order, and never acts on them.
 */
export interface DT {
  readonly kind: 'DT';
  readonly activity: number;
  readonly fromKB: number;
  readonly toKB: number;
}

/** MINOR-SYNC-POINT (confirmed): a checkpoint after a segment. */
export interface MIP {
  readonly kind: 'MIP';
  readonly serial: number;
}

/** MINOR-SYNC-ACK: the receiver confirms the checkpoint. */
export interface MIA {
  readonly kind: 'MIA';
  readonly serial: number;
}

/**
 * ACTIVITY-END (a confirmed major sync): the whole message has been sent; `serial` is the
 * final sync point. `sizeKB` is for verification only (the receiver checks it holds that much).
 */
export interface AE {
  readonly kind: 'AE';
  readonly activity: number;
  readonly serial: number;
  readonly sizeKB: number;
}

/** ACTIVITY-END-ACK: the receiver has the whole message and has delivered it. */
export interface AEA {
  readonly kind: 'AEA';
  readonly activity: number;
}

/** ACTIVITY-RESUME: continue an interrupted activity after the given checkpoint serial. */
export interface AR {
  readonly kind: 'AR';
  readonly activity: number;
  readonly serial: number;
}

/** ACTIVITY-DISCARD: the sender closes a resumed activity it will not complete (after the receiver's ER). */
export interface AD {
  readonly kind: 'AD';
  readonly activity: number;
}

/**
 * EXCEPTION REPORT (S-U-EXCEPTION-REPORT): the receiver cannot take the activity as sent.
 * Used with reason transferCompleted when a message already delivered is resumed or restarted;
 * the sender then discards the activity (AD). The association stays open.
 */
export interface ER {
  readonly kind: 'ER';
  readonly reason: ReportReason;
}

/** PLEASE TOKENS = RT-TURN-PLEASE. Priority 0 is the highest. */
export interface PT {
  readonly kind: 'PT';
  readonly priority: number;
}

/** GIVE TOKENS CONFIRM = RT-TURN-GIVE. The giver loses the tokens when it sends this. */
export interface GTC {
  readonly kind: 'GTC';
}

/** GIVE TOKENS ACK: sent automatically by the receiver of a GTC. */
export interface GTA {
  readonly kind: 'GTA';
}

export type Pdu = RTORQ | RTOAC | RTORJ | AS | DT | MIP | MIA | AE | AEA | AR | AD | ER | PT | GTC | GTA;

export type PduKind = Pdu['kind'];

/** The event a PDU becomes when it arrives at an MTA: `peer.RTORQ`, `peer.GTC`, ... */
export type PeerEvent = { [K in PduKind]: { type: `peer.${K}`; pdu: Extract<Pdu, { kind: K }> } }[PduKind];

export function peerEvent(pdu: Pdu): PeerEvent {
  return { type: `peer.${pdu.kind}`, pdu } as PeerEvent;
}

/** A short protocol label for traces and diagrams, e.g. `RTORQ(recover 1, ckpt 2, win 2)`. */
export function describePdu(pdu: Pdu): string {
  switch (pdu.kind) {
    case 'RTORQ':
    case 'RTOAC': {
      const data = `${pdu.connectionData.kind} ${pdu.connectionData.connectionId}`;
      const mode = pdu.kind === 'RTORQ' ? `, ${pdu.dialogueMode}` : '';
      return `${pdu.kind}(${data}, ckpt ${pdu.checkpointSize}, win ${pdu.windowSize}${mode}, turn ${pdu.initialTurn})`;
    }
    case 'RTORJ':
    case 'ER':
      return `${pdu.kind}(${pdu.reason})`;
    case 'AE':
      return `AE(msg ${pdu.activity}, ${pdu.sizeKB} KB)`;
    case 'AS':
    case 'AEA':
    case 'AD':
      return `${pdu.kind}(msg ${pdu.activity})`;
    case 'DT':
      return `DT(msg ${pdu.activity}, KB ${pdu.fromKB}-${pdu.toKB})`;
    case 'MIP':
    case 'MIA':
      return `${pdu.kind}(${pdu.serial})`;
    case 'AR':
      return `AR(msg ${pdu.activity}, after ${pdu.serial})`;
    case 'PT':
      return `PT(prio ${pdu.priority})`;
    case 'GTC':
    case 'GTA':
      return pdu.kind;
  }
}
