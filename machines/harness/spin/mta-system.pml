/*
 * A hand-written SPIN twin of the composed MTA system: MTA A (association initiator),
 * the channel and MTA B (responder), at exactly the abstraction the TypeScript checker
 * explores (machines/mta.machine.ts, machines/channel.machine.ts, machines/variants.ts,
 * machines/composition.ts, explore/engine/step.ts).
 *
 * Why a twin: SPIN knows nothing of XState, so if its stored state count and its
 * verdicts equal ours for every variant, both checkers agree on what the charts mean.
 * test/spin-twin.test.ts runs it; machines/harness/spin/twin.ts gives the -D flags.
 *
 * How it lines up with the TypeScript explorer
 * --------------------------------------------
 * - One composed state of ours = one stored SPIN state. The global (non-hidden)
 *   variables below carry exactly what our state key carries: per actor its status,
 *   state value and context without `config` (machines/composition.ts keyOf). Parts of
 *   the key that are the same in every state are left out and named where they would be
 *   (the MTAs' status, always 'active'; the dialogue mode inside an agreement and a
 *   connect request, always the configured one; the token setting of a connect and of
 *   its accept, always 'caller'; the channel's fault counter, always 0: the twin has no
 *   single-PDU faults).
 *   Scratch variables are `hidden`, so they are not in the state vector.
 * - Run spin with -o2. Without it spin also leaves out of the state vector every variable
 *   that is written but never read, and SPIN would merge states we keep apart wherever
 *   part of our key is such (it was, with incoming.lastConfirmedSerial and the ids of
 *   damagedDeliveries). Today every variable below is read somewhere (a guard, an action,
 *   an assertion; gaveUnacked in a guard cpp leaves as `0 && ...` outside turn-fix-giver),
 *   so the counts are the same without -o2; it stays so that a part of the key that
 *   becomes write-only cannot merge states unnoticed.
 * - One environment step of ours (everyEnvironmentStep) = one option
 *   `:: d_step { guard -> choose the step }` of the `if` that opens the loop's atomic
 *   sequence; the rest of the sequence is one d_step that performs the step: the whole
 *   settle of explore/engine/step.ts, the event to its actor, then every event the actors
 *   emit, in FIFO order, until nothing is left. A depth-first pan stores no state inside
 *   an atomic sequence, so each step goes from the loop head to the loop head and every
 *   stored state has the same pc, exactly as with one `:: guard -> d_step { ... }` loop
 *   option per step; one shared d_step keeps pan.c small (a settle inlined per option made
 *   gcc take about a minute). pan must search depth-first: a breadth-first pan stores
 *   atomic intermediates too, and refuses models with hidden variables anyway. The
 *   acceptor's local.limit is one option per (checkpoint, window) pair in 0..4 x 1..4,
 *   enabled when the pair is one of the bounds' (the bit masks LIMIT_CKPTS, LIMIT_WINS);
 *   two pairs may lead to the same state (one stored state, two transitions), as in ours.
 * - Our explorer counts a step that leaves the state as it was as no step. A guard here is
 *   therefore "the step is offered (enabledEnvironmentSteps: every deciding actor offers
 *   it) AND it changes something"; otherwise SPIN would see a self-loop, and a state whose
 *   only moves are self-loops would not be an end state for SPIN while it is one for us.
 * - End states: a state with no step is a valid end state for us iff both MTAs' queues are
 *   empty. The loop head carries no end label, so SPIN reports every state with no
 *   executable option as an "invalid end state"; for the valid ones the loop's last option
 *   is a bare condition, executable exactly when no step is and the state is valid: a
 *   self-loop that changes nothing and so adds no stored state. SPIN's invalid end states
 *   are then exactly our terminal states that are not valid end states.
 * - The initial state: XState starts A in association.idle, whose eventless transition
 *   (isStartingUp) opens at once (connection id 1, caller, the opener, RTORQ), and the
 *   channel carries that RTORQ (up, A joined). A step computing this would leave a stored
 *   pre-initial state at another pc, so the initial values are written as initialisers
 *   instead. Free queue slots hold BLANK, which is that first RTORQ, so the one non-empty
 *   queue needs no initialising step either.
 * - Safety properties are assertions at the end of every step, over the state it reached,
 *   so every reachable state but the initial one is checked (in the initial state nobody
 *   holds the Turn, nobody is open, nothing was sent or delivered: all hold). Each asserts
 *   a variable named after the property, so pan's message says which one failed. The
 *   assertion is the invariant itself, also in a run where our verdict is n/a ("confirmed
 *   data is never sent again" with more losses than recovery attempts): the test then
 *   compares it with the invariant's verdict. An assertion on `twin_limit` is never a
 *   property: one of the twin's own arrays is too small for the bounds, or the twin met a
 *   case it assumes away (two regions moving in one eventless microstep, see
 *   mta_eventless_microstep).
 *
 * XState semantics mirrored (xstate 5.33.3, raise-*.esm.js macrostep/microstep):
 * - An event selects at most one transition per region, regions in document order
 *   (association, turn, sending, receiving), the innermost state first, the first
 *   candidate whose guard holds (a region whose candidates all fail passes the event to
 *   its ancestors: the association region's own peer.RTORQ handler); all guards see the
 *   state before the microstep. Then transition actions run in region order, each assign
 *   visible to the next action, then the entry actions of entered states (opening,
 *   recovering.connecting and turn.notHolding.quiet have any; a `reenter` transition runs
 *   them again, and so does a region's own transition to one of its children, which exits
 *   and enters the region's whole active configuration). quiet's entry only resets
 *   turnPleasesRepeated, which no other action of such a microstep reads, so the twin does
 *   it where the transition enters quiet. An event no region takes falls to the root
 *   (user.submit).
 * - After a microstep, eventless (always) transitions are taken until none is enabled;
 *   only then is the next raised event (association.established, net.lost {replaced},
 *   a re-raised peer.RTORQ) taken from the internal queue, again followed by eventless
 *   transitions. raise() queues the event when it runs, with the context as it is then.
 * - emit() is resolved when it runs, so a PDU carries the context as assigned by the
 *   actions before it. What an actor emits (a PDU, or a disconnect) is routed
 *   (system.ts routeEmitted) to the back of the settle queue.
 * - A done actor (the channel after `overflowed`) takes no more events.
 *
 * The variant (machines/variants.ts) is three cpp flags: TURN_FIX substitutes the patched
 * isTurnRederivedOnRecovery, GIVER_FIX the candidate fix takesBackAnUnacknowledgedGive for
 * isGiverTakingTurnBack (turn-fix-giver), CKPT_FIX the patched
 * isRecoveryBoundByOriginalAgreement.
 */

/* ---------------------------------------------------------------------------------- */
/* Configuration: cpp defines, normally all given by machines/harness/spin/twin.ts.            */
/* The defaults are the default bounds (machines/bounds.ts), patched, two-way alternate. */
/* ---------------------------------------------------------------------------------- */
#ifndef TURN_FIX
#define TURN_FIX 1
#endif
#ifndef GIVER_FIX
#define GIVER_FIX 0
#endif
#ifndef CKPT_FIX
#define CKPT_FIX 1
#endif
#ifndef MODE_TWA
#define MODE_TWA 1
#endif
#ifndef MSGS_A
#define MSGS_A 2
#endif
#ifndef MSGS_B
#define MSGS_B 2
#endif
#ifndef LOSSES
#define LOSSES 1
#endif
#ifndef THRESHOLD
#define THRESHOLD 3
#endif
#ifndef ATTEMPTS
#define ATTEMPTS 2
#endif
/* threshold associations each MTA may open; Turn-Please repeats; gives unasked per connection */
#ifndef THR_ASSOCS
#define THR_ASSOCS 1
#endif
#ifndef PT_REPEATS
#define PT_REPEATS 0
#endif
#ifndef UNASKED_GIVES
#define UNASKED_GIVES 0
#endif
/* what both MTAs propose in every connect they send */
#ifndef PROP_CKPT
#define PROP_CKPT 2
#endif
#ifndef PROP_WIN
#define PROP_WIN 2
#endif
/* The acceptor's local limits offered by local.limit: bit c of LIMIT_CKPTS set = checkpoint
 * limit c (0..4) is one of the bound's; bit w of LIMIT_WINS = window limit w (1..4). */
#ifndef LIMIT_CKPTS
#define LIMIT_CKPTS 6
#endif
#ifndef LIMIT_WINS
#define LIMIT_WINS 4
#endif
#ifndef MSG_SIZE
#define MSG_SIZE 2
#endif
#ifndef CAPACITY
#define CAPACITY 16
#endif

/* Sizes of the twin's own arrays. They bound nothing of the model: overrunning one is an
 * assertion `twin_limit` (never a property), and then the defines must grow. */
#define QSLOTS (CAPACITY + 1)    /* a connect request is queued without a room check */
#ifndef MAXLIST
#define MAXLIST 8                /* delivered entries per MTA */
#endif
#define SETTLE_MAX 64            /* events travelling during one step */
#define RAISED_MAX 4             /* events one MTA raises in one macrostep */

#if PROP_CKPT > 15 || PROP_WIN > 15 || MSG_SIZE > 15 || LIMIT_CKPTS > 31 || LIMIT_WINS > 30 || (LIMIT_WINS % 2) == 1 || PT_REPEATS > 16
#error "the twin encodes sizes and PT priorities in 4 bits and offers local limits checkpoint 0..4, window 1..4"
#endif

/* ---------------------------------------------------------------------------------- */
/* Encodings                                                                           */
/* ---------------------------------------------------------------------------------- */
#define A 0
#define B 1
#define CHANNEL 2
#define PEER_OF(s) (1 - (s))

/* association region; ESTABLISHING / READY are open.establishing / open.ready,
 * CONNECTING / ATTEMPT_FAILED are recovering.connecting / recovering.attemptFailed */
#define IDLE 0
#define OPENING 1
#define ESTABLISHING 2
#define READY 3
#define CONNECTING 4
#define ATTEMPT_FAILED 5
#define AWAITING 6
#define ANSWERING 7
#define CLOSED 8
#define IS_OPEN_PHASE(s) (assoc[s] == ESTABLISHING || assoc[s] == READY)
#define IS_RECOVERING(s) (assoc[s] == CONNECTING || assoc[s] == ATTEMPT_FAILED)

/* turn region: notHolding.quiet, notHolding.asking, holding.unasked, holding.askedToGive, giving */
#define QUIET 0
#define ASKING 1
#define UNASKED 2
#define ASKED 3
#define GIVING 4
#define HOLDING(s) (turn[s] == UNASKED || turn[s] == ASKED)

/* sending region: idle, activityOpen.transferring, activityOpen.ending, interrupted */
#define S_IDLE 0
#define TRANSFERRING 1
#define ENDING 2
#define INTERRUPTED 3
#define ACTIVITY_OPEN(s) (sending[s] == TRANSFERRING || sending[s] == ENDING)

/* receiving region: noActivity, inActivity */
#define NO_ACTIVITY 0
#define IN_ACTIVITY 1

/* connectedAs: null, 'caller', 'called' */
#define NOBODY 0
#define CALLER 1
#define CALLED 2

/* channel state */
#define DOWN 0
#define UP 1
#define OVERFLOWED 2

/* No agreement / no request (context null). */
#define NONE 255
#define NOREQ (-1)

/* A PDU is one int: kind in the low 5 bits, then fields of 4, 4, 4 bits, then 8 bits
 * (the connection id). Every field of ours is there except the constant ones. */
#define K_RTORQ 0
#define K_RTOAC 1
#define K_RTORJ 2
#define K_AS 3
#define K_DT 4
#define K_MIP 5
#define K_MIA 6
#define K_AE 7
#define K_AEA 8
#define K_AR 9
#define K_AD 10
#define K_ER 11
#define K_PT 12
#define K_GTC 13
#define K_GTA 14
#define PDU(k, f1, f2, f3, f4) ((k) + 32 * ((f1) + 16 * ((f2) + 16 * ((f3) + 16 * (f4)))))
#define KIND(p) ((p) % 32)
#define F1(p) (((p) / 32) % 16)
#define F2(p) (((p) / 512) % 16)
#define F3(p) (((p) / 8192) % 16)
#define F4(p) ((p) / 131072)

/* connectionData kind */
#define D_OPEN 0
#define D_RECOVER 1
/* RTORQ: f1 checkpoint, f2 window, f3 = data kind + 2 * (mode is twa), f4 connection id.
 * Both MTAs propose the same sizes and mode in every connect (composition.ts
 * systemConfigFor); initialTurn is 'caller' in every connect, so it is not stored. */
#define RTORQ(d, id) PDU(K_RTORQ, PROP_CKPT, PROP_WIN, (d) + 2 * MODE_TWA, id)
#define RQ_KIND(p) (F3(p) % 2)
#define RQ_TWA(p) (F3(p) / 2)
/* RTOAC: f1 checkpoint, f2 window, f3 data kind, f4 connection id (initialTurn: the request's, 'caller'). */
#define RTOAC(c, w, d, id) PDU(K_RTOAC, c, w, d, id)
/* RTORJ reasons, in pdu.ts RefuseReason order; ER's one reason */
#define CANNOT_RECOVER 1
#define UNACCEPTABLE_MODE 3
#define TRANSFER_COMPLETED 0

/* Free queue slots hold the first RTORQ, so the initial queues are one initialiser. */
#define BLANK RTORQ(D_OPEN, 1)

/* configuration of each MTA (machines/composition.ts systemConfigFor) */
#define MSGS(s) ((s) == A -> MSGS_A : (MODE_TWA -> MSGS_B : 0))
#define MIN(x, y) ((x) < (y) -> (x) : (y))
#define MAX(x, y) ((x) > (y) -> (x) : (y))

/* ---------------------------------------------------------------------------------- */
/* The composed state (what our state key holds), index A = 0, B = 1                   */
/* ---------------------------------------------------------------------------------- */
/* MTA state values (status is always 'active': the MTA chart has no final state) */
byte assoc[2] = { OPENING, IDLE };
byte turn[2] = QUIET;
byte sending[2] = S_IDLE;
bit receiving[2] = NO_ACTIVITY;
/* MTA context */
byte connId[2] = { 1, 0 };
byte connAs[2] = { CALLER, NOBODY }; /* connectedAs */
bit opened[2] = { 1, 0 };        /* openedAssociation */
byte thrOpened[2] = 0;           /* thresholdAssociationsOpened */
bit openingThr[2] = 0;           /* openingForThreshold */
byte ptRepeats[2] = 0;           /* turnPleasesRepeated */
byte unaskedGives[2] = 0;        /* unaskedGives */
bit gaveUnacked[2] = 0;          /* gaveTurnUnacknowledged */
byte agreedC[2] = NONE;          /* agreed: null, or checkpoint and window (its dialogue mode is the configured one) */
byte agreedW[2] = 0;
byte origC[2] = NONE;            /* original: the same */
byte origW[2] = 0;
int request[2] = NOREQ;          /* the RTORQ being answered, or null */
byte attempts[2] = 0;            /* recoveryAttemptsUsed */
byte submitted[2] = 0;
byte acked[2] = 0;               /* acknowledged */
byte outAct[2] = 0;              /* outgoing: null (0), or activity, segmentsSent, lastConfirmedSerial */
byte outSent[2] = 0;
byte outConf[2] = 0;
byte inAct[2] = 0;               /* incoming: null (0), or activity, kbHeld, intact */
byte inKB[2] = 0;
bit inIntact[2] = 0;
byte dLen[2] = 0;                /* delivered: the list of message ids, in order */
byte dList[2 * MAXLIST] = 0;
bit damaged[2] = 0;              /* deliveredDamaged */
byte confKB[2] = 0;              /* confirmedKB */
bit resent[2] = 0;               /* resentConfirmedData */

/* Channel: state value (status is 'done' exactly when it is OVERFLOWED) and context
 * (faults: always 0, left out) */
byte link = UP;
bit joined[2] = { 1, 0 };
int slot[2 * QSLOTS] = BLANK;    /* queue to side s: slot[s * QSLOTS .. s * QSLOTS + qLen[s] - 1] */
byte qLen[2] = { 0, 1 };
bit pending[2] = 0;              /* lossNoticePending */
byte losses = 0;

#define SLOT(s, i) slot[(s) * QSLOTS + (i)]

/* ---------------------------------------------------------------------------------- */
/* Scratch, not part of the state                                                      */
/* ---------------------------------------------------------------------------------- */
/* the settle FIFO: who an event is for, its type, a side (from / to) and a payload */
hidden byte sqTo[SETTLE_MAX];
hidden byte sqType[SETTLE_MAX];
hidden byte sqSide[SETTLE_MAX];
hidden int sqArg[SETTLE_MAX];
hidden byte sqHead;
hidden byte sqLen;
hidden byte cur;
/* the event the MTA `me` is taking, and its raised events */
hidden byte me;
hidden byte evType;
hidden int evArg;
hidden byte rqType[RAISED_MAX];
hidden int rqArg[RAISED_MAX];
hidden byte rqHead;
hidden byte rqLen;
hidden byte entering;            /* a state entered in this microstep whose entry actions are due */
hidden byte eAs;                 /* eventless transitions selected, per region */
hidden byte eTu;
hidden byte eSe;
hidden int pdu;
hidden int kb;
hidden int toKB;
hidden byte side;
hidden byte i;
hidden byte flag;
hidden byte count;
/* the mirrored properties, evaluated after every step */
hidden byte recovery_keeps_the_negotiated_checkpoint_size;
hidden byte turn_is_never_lost;
hidden byte confirmed_data_is_never_sent_again;
hidden byte each_message_is_delivered_whole;
hidden byte each_message_is_delivered_exactly_once_in_order;
hidden byte only_the_turn_holder_transfers;
hidden byte the_window_is_respected;
hidden byte negotiation_only_lowers;
hidden byte the_channel_stays_within_its_capacity;
hidden byte twin_limit;           /* false: one of the twin's own arrays overflowed (not a property) */

/* event types: to an MTA ... */
#define EV_SUBMIT 1
#define EV_LOST 2                /* arg = replaced */
#define EV_TIMER 3
#define EV_THRESHOLD 4
#define EV_ASK_AGAIN 13          /* turn.askAgain */
#define EV_GIVE_UNASKED 14       /* turn.giveUnasked */
#define EV_LIMIT 5               /* arg = checkpoint * 16 + window */
#define EV_PEER 6                /* arg = the PDU */
#define EV_ESTABLISHED 7         /* arg = fresh + 2 * tokensHere */
/* ... and to the channel */
#define EV_SEND 8                /* side = from, arg = the PDU */
#define EV_DISCONNECT 9          /* side = from */
#define EV_DELIVER 10            /* side = to */
#define EV_NOTICE 11             /* side = to */
#define EV_LOSE 12

#define NO_ENTRY 255

inline twin_check(c) {
  twin_limit = (c);
  assert(twin_limit)
}

/* routes an event to the back of the settle FIFO */
inline post(to, type, s, arg) {
  twin_check(sqLen < SETTLE_MAX);
  sqTo[sqLen] = to;
  sqType[sqLen] = type;
  sqSide[sqLen] = s;
  sqArg[sqLen] = arg;
  sqLen++
}

/* what an MTA emits goes to the channel: 'send' as mta.send, 'disconnect' as mta.disconnect */
inline emit(p) {
  post(CHANNEL, EV_SEND, me, p)
}

inline emit_disconnect() {
  post(CHANNEL, EV_DISCONNECT, me, 0)
}

inline raise(type, arg) {
  twin_check(rqLen < RAISED_MAX);
  rqType[rqLen] = type;
  rqArg[rqLen] = arg;
  rqLen++
}

/* ==================================================================================== */
/* Channel (machines/channel.machine.ts)                                                */
/* ==================================================================================== */
inline clear_queue(s) {
  i = 0;
  do
  :: i < QSLOTS -> SLOT(s, i) = BLANK; i++
  :: else -> break
  od;
  qLen[s] = 0
}

inline enqueue(s, p) {
  twin_check(qLen[s] < QSLOTS);
  SLOT(s, qLen[s]) = p;
  qLen[s]++
}

inline remove_head(s) {
  i = 0;
  do
  :: i + 1 < qLen[s] -> SLOT(s, i) = SLOT(s, i + 1); i++
  :: else -> break
  od;
  SLOT(s, qLen[s] - 1) = BLANK;
  qLen[s]--
}

/* openConnection: the sender joins the new connection. When this connect replaces a live
 * connection the other side is on and the sender is not (two connects crossed), the other
 * side stays on the new connection: it learns of it from this connect, or of its loss.
 * What was in flight to the sender is gone, and so is its pending loss notice. */
inline open_connection(from, replacing) {
  flag = (replacing) && joined[PEER_OF(from)] && !joined[from];
  joined[from] = 1;
  joined[PEER_OF(from)] = flag;
  clear_queue(from);
  pending[from] = 0
}

inline channel_step() {
  side = sqSide[cur];
  pdu = sqArg[cur];
  if
  :: sqType[cur] == EV_SEND ->
     if
     :: link == DOWN ->
        if
        :: KIND(pdu) == K_RTORQ ->
           open_connection(side, 0);
           enqueue(PEER_OF(side), pdu); /* no room check */
           link = UP
        :: else -> skip /* no connection: the PDU is lost */
        fi
     :: link == UP ->
        if
        :: KIND(pdu) == K_RTORQ ->
           /* up -> up (reenter): a connect replaces the current connection */
           open_connection(side, 1);
           enqueue(PEER_OF(side), pdu)
        :: joined[side] && KIND(pdu) == K_RTORJ && qLen[PEER_OF(side)] < CAPACITY ->
           /* maySendReleasing: RTORJ ends the connection; what was in flight to the sender is gone */
           enqueue(PEER_OF(side), pdu);
           clear_queue(side);
           link = DOWN
        :: joined[side] && qLen[PEER_OF(side)] < CAPACITY -> enqueue(PEER_OF(side), pdu)
        :: joined[side] -> link = OVERFLOWED
        :: else -> skip /* the sender is not on the current connection: the PDU is lost */
        fi
     fi
  :: sqType[cur] == EV_DISCONNECT ->
     if
     :: link == UP && joined[side] ->
        /* releaseConnection: everything in flight is gone, the peer learns of it as of a loss */
        clear_queue(A);
        clear_queue(B);
        pending[PEER_OF(side)] = pending[PEER_OF(side)] || joined[PEER_OF(side)];
        link = DOWN
     :: else -> skip
     fi
  :: sqType[cur] == EV_DELIVER ->
     /* isDeliverable: a pending loss notice holds back everything but a connect */
     if
     :: qLen[side] > 0 && (!pending[side] || KIND(SLOT(side, 0)) == K_RTORQ) ->
        pdu = SLOT(side, 0);
        if
        :: KIND(pdu) == K_RTORQ ->
           /* joinConnectionOnConnectRequest (half-open: the old loss is never noticed) */
           joined[side] = 1;
           pending[side] = 0
        :: else -> skip
        fi;
        post(side, EV_PEER, 0, pdu);
        remove_head(side)
     :: else -> skip
     fi
  :: sqType[cur] == EV_NOTICE ->
     if
     :: pending[side] ->
        pending[side] = 0;
        post(side, EV_LOST, 0, 0)
     :: else -> skip
     fi
  :: sqType[cur] == EV_LOSE ->
     if
     :: link == UP && losses < LOSSES ->
        clear_queue(A);
        clear_queue(B);
        losses++;
        pending[A] = pending[A] || joined[A];
        pending[B] = pending[B] || joined[B];
        link = DOWN
     :: else -> skip
     fi
  fi
}

/* ==================================================================================== */
/* MTA (machines/mta.machine.ts), for MTA `me`                                          */
/* ==================================================================================== */
#define QUEUE_LENGTH(s) (submitted[s] - acked[s])
#define HAS_MAIL(s) (submitted[s] > acked[s])
#define RECOVERABLE(s) (origC[s] != NONE && origC[s] > 0)
#define SEGMENTS(s) (agreedC[s] == 0 -> 1 : (MSG_SIZE + agreedC[s] - 1) / agreedC[s])
#define WINDOW_OPEN(s) (outAct[s] != 0 && outSent[s] < SEGMENTS(s) && (agreedC[s] == 0 || outSent[s] - outConf[s] < agreedW[s]))
#define ALL_SENT(s) (outAct[s] != 0 && outSent[s] >= SEGMENTS(s))
/* resumeOffsetKB(serial, checkpointSize, MSG_SIZE) */
#define OFFSET_KB(serial, c) MIN((serial) * (c), MSG_SIZE)
/* maySubmit: in monologue only the initiator sends */
#define MAY_SUBMIT(s) ((s) == A || MODE_TWA)
/* isRecoveryOfThisAssociation: a recover request for this association, whose record is kept */
#define RECOVERY_OF_THIS(s, p) (RQ_KIND(p) == D_RECOVER && F4(p) == connId[s] && RECOVERABLE(s))
/* tokensHere: the connect's token setting ('caller') names this side */
#define TOKENS_HERE(s) (connAs[s] == CALLER)
/* negotiate(request, limit) */
#define NEG_C(p, c) (F1(p) == 0 -> (c) : MIN(F1(p), c))
#define NEG_W(p, w) MAX(1, MIN(F2(p), w))
/* isRecoveryRequestCompatible: isValidAnswer(request, original) */
#define COMPATIBLE(s) (request[s] != NOREQ && origC[s] != NONE && RQ_TWA(request[s]) == MODE_TWA && \
  NEG_C(request[s], origC[s]) == origC[s] && NEG_W(request[s], origW[s]) == origW[s])
/* mayOpenThresholdAssociation: queue at T, notHolding, sending idle, threshold associations left */
#define MAY_OPEN_THRESHOLD(s) (QUEUE_LENGTH(s) >= THRESHOLD && (turn[s] == QUIET || turn[s] == ASKING) && \
  sending[s] == S_IDLE && thrOpened[s] < THR_ASSOCS)
/* mayGiveTurnUnasked: two-way alternate agreed, association ready, no activity open, gives left */
#define MAY_GIVE_UNASKED(s) (agreedC[s] != NONE && MODE_TWA && assoc[s] == READY && !ACTIVITY_OPEN(s) && unaskedGives[s] < UNASKED_GIVES)

/* Entry actions of the association state entered by a microstep, after all transition
 * actions (notHolding.quiet's entry, forgetTurnPleaseRepeats, is done where quiet is entered). */
inline run_entry() {
  if
  :: entering == OPENING ->
     /* dropRecoveryRecord (a new association abandons the old one), chooseNewConnectionId,
      * markCaller, markOpener, sendOpenRequest */
     origC[me] = NONE; origW[me] = 0;
     connId[me]++;
     twin_check(connId[me] < 255);
     connAs[me] = CALLER;
     opened[me] = 1;
     emit(RTORQ(D_OPEN, connId[me]))
  :: entering == CONNECTING ->
     /* countRecoveryAttempt, markCaller, sendRecoveryRequest */
     attempts[me]++;
     connAs[me] = CALLER;
     emit(RTORQ(D_RECOVER, connId[me]))
  :: else -> skip
  fi
}

inline forget_incoming() {
  inAct[me] = 0; inKB[me] = 0; inIntact[me] = 0
}

/* the turn region enters notHolding.quiet: its entry forgetTurnPleaseRepeats */
inline enter_quiet() {
  turn[me] = QUIET;
  ptRepeats[me] = 0
}

inline forget_outgoing() {
  outAct[me] = 0; outSent[me] = 0; outConf[me] = 0
}

/* completeActivity */
inline complete_activity() {
  forget_outgoing();
  acked[me]++;
  confKB[me] = 0
}

/* rememberRequest (and connectionId) */
inline remember_request() {
  request[me] = pdu;
  connId[me] = F4(pdu)
}

/* isAlreadyDelivered: flag = the activity id is in delivered */
inline find_delivered(activity) {
  flag = 0;
  i = 0;
  do
  :: i < dLen[me] -> flag = flag || dList[me * MAXLIST + i] == activity; i++
  :: else -> break
  od
}

/* net.lost (evArg = replaced): association, turn and sending all react, in that order, then the entry. */
inline mta_on_lost() {
  /* association */
  if
  :: assoc[me] == OPENING -> entering = OPENING /* reenter: the connect is tried again */
  :: assoc[me] == ANSWERING ->
     request[me] = NOREQ;
     if
     :: RECOVERABLE(me) -> assoc[me] = AWAITING
     :: else -> assoc[me] = IDLE
     fi
  :: IS_OPEN_PHASE(me) ->
     if
     :: evArg == 1 -> assoc[me] = AWAITING /* isReplacedByPeerRecovery */
     :: RECOVERABLE(me) && HAS_MAIL(me) && attempts[me] < ATTEMPTS ->
        assoc[me] = CONNECTING; entering = CONNECTING /* the sending MTA recovers */
     :: RECOVERABLE(me) -> assoc[me] = AWAITING
     :: opened[me] -> assoc[me] = OPENING; entering = OPENING /* hasOpenedAssociation */
     :: else -> assoc[me] = IDLE
     fi
  :: assoc[me] == CONNECTING -> assoc[me] = ATTEMPT_FAILED
  :: else -> skip
  fi;
  /* turn (giving -> notHolding keeps gaveTurnUnacknowledged) */
  if
  :: turn[me] == ASKING -> enter_quiet()
  :: turn[me] == ASKED -> turn[me] = UNASKED
  :: turn[me] == GIVING -> enter_quiet()
  :: else -> skip
  fi;
  /* sending: rewindToLastCheckpoint */
  if
  :: ACTIVITY_OPEN(me) ->
     if
     :: outAct[me] != 0 -> outSent[me] = outConf[me]
     :: else -> skip
     fi;
     sending[me] = INTERRUPTED
  :: else -> skip
  fi
}

/* association.established (raised; evArg = fresh + 2 * tokensHere): every region reacts in one microstep. */
inline mta_on_established() {
  /* the turn region's guards see the context before startConnectionCounts: flag = its branch.
   * flag 1, isTurnOursOnEstablishing = isGiverTakingTurnBack (turn-fix-giver only: a recovery,
   * and this side's GTC unacknowledged) || (isTurnTakenFromTokenSetting && the tokens are here);
   * flag 2, isTurnTakenFromTokenSetting = fresh || isTurnRederivedOnRecovery. */
  if
  :: GIVER_FIX && evArg % 2 == 0 && gaveUnacked[me] -> flag = 1
  :: (evArg % 2 == 1 || TURN_FIX) && evArg / 2 == 1 -> flag = 1
  :: (evArg % 2 == 1 || TURN_FIX) -> flag = 2
  :: else -> flag = 0 /* unpatched (KB Q166594), after a recovery: each side keeps its pre-loss belief */
  fi;
  if
  :: assoc[me] == ESTABLISHING ->
     /* startConnectionCounts */
     unaskedGives[me] = 0;
     gaveUnacked[me] = 0;
     assoc[me] = READY
  :: else -> skip
  fi;
  /* turn: entering holding / notHolding anew resets their substates (and enters quiet) */
  if
  :: flag == 1 -> turn[me] = UNASKED
  :: flag == 2 -> enter_quiet()
  :: else -> skip
  fi;
  if
  :: evArg % 2 == 1 -> sending[me] = S_IDLE; forget_outgoing()
  :: else -> skip
  fi;
  if
  :: evArg % 2 == 1 -> receiving[me] = NO_ACTIVITY; forget_incoming()
  :: else -> skip
  fi
}

/* The association region's own peer.RTORQ handler (association.on), in any phase whose
 * more specific handler does not take the request. */
inline association_level_rtorq() {
  if
  :: RQ_KIND(pdu) == D_OPEN && RQ_TWA(pdu) == MODE_TWA ->
     /* dropRecoveryRecord, rememberRequest, markCalled -> answering */
     origC[me] = NONE; origW[me] = 0;
     remember_request();
     connAs[me] = CALLED;
     assoc[me] = ANSWERING
  :: RQ_KIND(pdu) == D_OPEN -> emit(PDU(K_RTORJ, UNACCEPTABLE_MODE, 0, 0, 0))
  :: else -> emit(PDU(K_RTORJ, CANNOT_RECOVER, 0, 0, 0))
  fi
}

/* peer.<PDU>: only one region handles each kind. */
inline mta_on_pdu() {
  pdu = evArg;
  if
  /* ---- association ---- */
  :: KIND(pdu) == K_RTORQ ->
     if
     :: assoc[me] == OPENING && RQ_KIND(pdu) == D_RECOVER ->
        /* refuse (cannotRecover) and connect again (reenter) */
        emit(PDU(K_RTORJ, CANNOT_RECOVER, 0, 0, 0));
        entering = OPENING
     :: assoc[me] == ANSWERING && RECOVERY_OF_THIS(me, pdu) ->
        remember_request() /* the newer request is answered */
     :: IS_OPEN_PHASE(me) && RECOVERY_OF_THIS(me, pdu) ->
        /* half-open: treatAsLossReplacedByPeer, takeRequestAgain */
        raise(EV_LOST, 1);
        raise(EV_PEER, pdu)
     :: (IS_RECOVERING(me) || assoc[me] == AWAITING) && RECOVERY_OF_THIS(me, pdu) ->
        remember_request();
        connAs[me] = CALLED;
        assoc[me] = ANSWERING
     :: else -> association_level_rtorq()
     fi
  :: KIND(pdu) == K_RTOAC ->
     if
     :: assoc[me] == OPENING ->
        /* adoptFreshAgreement (a threshold association counts once accepted), announceEstablished(fresh) */
        agreedC[me] = F1(pdu);
        agreedW[me] = F2(pdu);
        origC[me] = agreedC[me];
        origW[me] = agreedW[me];
        attempts[me] = 0;
        thrOpened[me] = thrOpened[me] + openingThr[me];
        twin_check(thrOpened[me] < 255);
        openingThr[me] = 0;
        raise(EV_ESTABLISHED, 1 + 2 * TOKENS_HERE(me));
        assoc[me] = ESTABLISHING
     :: assoc[me] == CONNECTING ->
        if
        :: origC[me] != NONE && F1(pdu) == origC[me] && F2(pdu) == origW[me] ->
           /* isOriginalAgreement: adoptRecoveryAgreement, announceEstablished(recovery) */
           agreedC[me] = F1(pdu);
           agreedW[me] = F2(pdu);
           attempts[me] = 0;
           raise(EV_ESTABLISHED, 2 * TOKENS_HERE(me));
           assoc[me] = ESTABLISHING
        :: else ->
           emit_disconnect(); /* KB Q187929: a changed answer is refused by a disconnect */
           assoc[me] = ATTEMPT_FAILED
        fi
     :: else -> skip
     fi
  :: KIND(pdu) == K_RTORJ ->
     if
     :: assoc[me] == OPENING -> assoc[me] = CLOSED
     :: assoc[me] == CONNECTING -> assoc[me] = ATTEMPT_FAILED
     :: else -> skip
     fi
  /* ---- turn ---- */
  :: KIND(pdu) == K_PT ->
     if
     :: turn[me] == UNASKED -> turn[me] = ASKED
     :: else -> skip /* notHolding: ignored (no change); elsewhere not handled */
     fi
  :: KIND(pdu) == K_GTC ->
     if
     :: turn[me] == QUIET || turn[me] == ASKING ->
        emit(PDU(K_GTA, 0, 0, 0, 0)); /* acknowledgeTurn (turnPleasesRepeated is kept) */
        turn[me] = UNASKED
     :: else -> skip
     fi
  :: KIND(pdu) == K_GTA ->
     if
     :: turn[me] == GIVING ->
        gaveUnacked[me] = 0; /* forgetTurnGiven */
        enter_quiet()
     :: else -> skip
     fi
  /* ---- sending ---- */
  :: KIND(pdu) == K_MIA ->
     if
     :: ACTIVITY_OPEN(me) && outAct[me] != 0 ->
        /* recordCheckpointConfirmed */
        outConf[me] = F1(pdu);
        kb = OFFSET_KB(F1(pdu), agreedC[me]);
        confKB[me] = MAX(confKB[me], kb)
     :: else -> skip
     fi
  :: KIND(pdu) == K_ER ->
     if
     :: ACTIVITY_OPEN(me) && F1(pdu) == TRANSFER_COMPLETED ->
        emit(PDU(K_AD, outAct[me], 0, 0, 0)); /* sendActivityDiscard, then completeActivity */
        complete_activity();
        sending[me] = S_IDLE
     :: else -> skip
     fi
  :: KIND(pdu) == K_AEA ->
     if
     :: sending[me] == ENDING -> complete_activity(); sending[me] = S_IDLE
     :: else -> skip
     fi
  /* ---- receiving ---- */
  :: KIND(pdu) == K_AS ->
     find_delivered(F1(pdu));
     if
     :: flag ->
        /* reportTransferCompleted, forgetIncomingActivity */
        emit(PDU(K_ER, TRANSFER_COMPLETED, 0, 0, 0));
        forget_incoming();
        receiving[me] = NO_ACTIVITY
     :: else ->
        /* beginIncomingActivity */
        inAct[me] = F1(pdu); inKB[me] = 0; inIntact[me] = 1;
        receiving[me] = IN_ACTIVITY
     fi
  :: KIND(pdu) == K_AD -> skip
  :: KIND(pdu) == K_AR ->
     find_delivered(F1(pdu));
     if
     :: flag ->
        /* reportTransferCompleted, forgetIncomingActivity */
        emit(PDU(K_ER, TRANSFER_COMPLETED, 0, 0, 0));
        forget_incoming();
        receiving[me] = NO_ACTIVITY
     :: else ->
        /* resumeIncomingActivity: the resume point is the serial times this side's checkpoint size */
        twin_check(agreedC[me] != NONE);
        kb = F2(pdu) * agreedC[me];
        if
        :: inAct[me] != 0 && inAct[me] == F1(pdu) -> inIntact[me] = inIntact[me] && kb <= inKB[me]
        :: else -> inIntact[me] = (kb <= 0)
        fi;
        twin_check(kb < 256);
        inAct[me] = F1(pdu);
        inKB[me] = kb;
        receiving[me] = IN_ACTIVITY
     fi
  :: KIND(pdu) == K_DT ->
     if
     :: receiving[me] == IN_ACTIVITY && inAct[me] != 0 && inAct[me] == F1(pdu) ->
        /* holdSegment */
        inIntact[me] = inIntact[me] && F2(pdu) == inKB[me];
        inKB[me] = F3(pdu)
     :: else -> skip
     fi
  :: KIND(pdu) == K_MIP ->
     if
     :: receiving[me] == IN_ACTIVITY ->
        emit(PDU(K_MIA, F1(pdu), 0, 0, 0)) /* confirmMinorSync */
     :: else -> skip
     fi
  :: KIND(pdu) == K_AE ->
     if
     :: receiving[me] == IN_ACTIVITY && inAct[me] != 0 && inAct[me] == F1(pdu) ->
        /* deliverMessage, confirmActivityEnd */
        twin_check(dLen[me] < MAXLIST);
        dList[me * MAXLIST + dLen[me]] = inAct[me];
        dLen[me]++;
        damaged[me] = damaged[me] || !(inIntact[me] && inKB[me] == F3(pdu));
        forget_incoming();
        emit(PDU(K_AEA, F1(pdu), 0, 0, 0));
        receiving[me] = NO_ACTIVITY
     :: else -> skip
     fi
  :: else -> skip
  fi
}

/* One microstep for the event evType / evArg. */
inline mta_event_microstep() {
  entering = NO_ENTRY;
  if
  :: evType == EV_SUBMIT ->
     /* the root's user.submit: no region takes it */
     if
     :: MAY_SUBMIT(me) -> submitted[me]++
     :: else -> skip
     fi
  :: evType == EV_TIMER ->
     if
     :: assoc[me] == AWAITING ->
        /* hasOpenedAssociation: the MTA that opened the association opens anew (opening's
         * entry drops the recovery record); the other drops it (dropRecoveryRecord) and waits */
        if
        :: opened[me] -> assoc[me] = OPENING; entering = OPENING
        :: else -> origC[me] = NONE; origW[me] = 0; assoc[me] = IDLE
        fi
     :: else -> skip
     fi
  :: evType == EV_THRESHOLD ->
     if
     :: IS_OPEN_PHASE(me) && MAY_OPEN_THRESHOLD(me) ->
        openingThr[me] = 1; /* markThresholdOpening */
        assoc[me] = OPENING; entering = OPENING
     :: else -> skip
     fi
  :: evType == EV_ASK_AGAIN ->
     if
     :: turn[me] == ASKING && assoc[me] == READY && ptRepeats[me] < PT_REPEATS ->
        /* mayAskAgain: sendTurnPlease (priority = repeats so far), countTurnPleaseRepeat */
        emit(PDU(K_PT, ptRepeats[me], 0, 0, 0));
        ptRepeats[me]++
     :: else -> skip
     fi
  :: evType == EV_GIVE_UNASKED ->
     if
     :: turn[me] == UNASKED && MAY_GIVE_UNASKED(me) ->
        /* giveTurn, rememberTurnGiven, countUnaskedGive */
        emit(PDU(K_GTC, 0, 0, 0, 0));
        gaveUnacked[me] = 1;
        unaskedGives[me]++;
        turn[me] = GIVING
     :: else -> skip
     fi
  :: evType == EV_LIMIT ->
     if
     :: assoc[me] == ANSWERING ->
        if
        :: request[me] != NOREQ && RQ_KIND(request[me]) == D_OPEN ->
           /* isAnsweringFreshOpen: agreeFromLocalLimit, recordOriginalAgreement (the other
            * side opened this association), sendAccept, announceEstablished(fresh), forgetRequest */
           agreedC[me] = NEG_C(request[me], evArg / 16);
           agreedW[me] = NEG_W(request[me], evArg % 16);
           origC[me] = agreedC[me];
           origW[me] = agreedW[me];
           attempts[me] = 0;
           opened[me] = 0;
           openingThr[me] = 0;
           emit(RTOAC(agreedC[me], agreedW[me], RQ_KIND(request[me]), F4(request[me])));
           raise(EV_ESTABLISHED, 1 + 2 * TOKENS_HERE(me));
           request[me] = NOREQ;
           assoc[me] = ESTABLISHING
#if CKPT_FIX
        :: COMPATIBLE(me) ->
           /* answersRecoveryWithOriginal: agreeOnOriginal, sendAccept, announceEstablished(recovery), forgetRequest */
           agreedC[me] = origC[me];
           agreedW[me] = origW[me];
           emit(RTOAC(agreedC[me], agreedW[me], RQ_KIND(request[me]), F4(request[me])));
           raise(EV_ESTABLISHED, 2 * TOKENS_HERE(me));
           request[me] = NOREQ;
           assoc[me] = ESTABLISHING
        :: else ->
           /* isRecoveryBoundByOriginalAgreement: refuse (cannotRecover), forgetRequest */
           emit(PDU(K_RTORJ, CANNOT_RECOVER, 0, 0, 0));
           request[me] = NOREQ;
           assoc[me] = AWAITING
#else
        :: else ->
           /* KB Q187929: the recovery is answered like a fresh open, from the current limit */
           twin_check(request[me] != NOREQ);
           agreedC[me] = NEG_C(request[me], evArg / 16);
           agreedW[me] = NEG_W(request[me], evArg % 16);
           emit(RTOAC(agreedC[me], agreedW[me], RQ_KIND(request[me]), F4(request[me])));
           raise(EV_ESTABLISHED, 2 * TOKENS_HERE(me));
           request[me] = NOREQ;
           assoc[me] = ESTABLISHING
#endif
        fi
     :: else -> skip
     fi
  :: evType == EV_LOST -> mta_on_lost()
  :: evType == EV_ESTABLISHED -> mta_on_established()
  :: evType == EV_PEER -> mta_on_pdu()
  fi;
  run_entry()
}

/* sendSegment, sendSegmentData: the next segment, noting (verification only) when it repeats confirmed data */
inline send_segment() {
  kb = (agreedC[me] == 0 -> 0 : OFFSET_KB(outSent[me], agreedC[me]));
  resent[me] = resent[me] || kb < confKB[me];
  outSent[me]++;
  toKB = (agreedC[me] == 0 -> MSG_SIZE : OFFSET_KB(outSent[me], agreedC[me]));
  emit(PDU(K_DT, outAct[me], kb, toKB, 0))
}

/* One microstep of eventless transitions; eAs + eTu + eSe > 0 when one was taken.
 * Guards are read before any action runs, as XState selects them. */
inline mta_eventless_microstep() {
  entering = NO_ENTRY;
  eAs = 0; eTu = 0; eSe = 0;
  if
  :: assoc[me] == IDLE && me == A && connId[me] == 0 -> eAs = 1 /* isStartingUp: the initiator opens the first association */
  :: assoc[me] == ATTEMPT_FAILED -> eAs = (attempts[me] < ATTEMPTS -> 2 : 3)
  :: else -> skip
  fi;
  if
  :: turn[me] == QUIET && agreedC[me] != NONE && MODE_TWA && assoc[me] == READY && HAS_MAIL(me) -> eTu = 1
  :: turn[me] == ASKED && assoc[me] == READY && !ACTIVITY_OPEN(me) -> eTu = 2 /* mayGiveTurnAsked */
  :: else -> skip
  fi;
  if
  :: sending[me] == S_IDLE && assoc[me] == READY && turn[me] == UNASKED && HAS_MAIL(me) -> eSe = 1
  :: sending[me] == TRANSFERRING && WINDOW_OPEN(me) && agreedC[me] > 0 -> eSe = 2
  :: sending[me] == TRANSFERRING && WINDOW_OPEN(me) -> eSe = 3
  :: sending[me] == TRANSFERRING && ALL_SENT(me) -> eSe = 4
  :: sending[me] == INTERRUPTED && assoc[me] == READY && turn[me] == UNASKED -> eSe = 5
  :: else -> skip
  fi;
  /* XState orders simultaneous eventless transitions of different regions by when their
   * states were entered, which our state key does not record; the twin assumes (and
   * checks) that two regions never move in the same eventless microstep. */
  twin_check((eAs > 0) + (eTu > 0) + (eSe > 0) <= 1);
  /* association */
  if
  :: eAs == 1 -> assoc[me] = OPENING; entering = OPENING
  :: eAs == 2 -> assoc[me] = CONNECTING; entering = CONNECTING /* retry the recovery */
  :: eAs == 3 -> assoc[me] = AWAITING
  :: else -> skip
  fi;
  /* turn */
  if
  :: eTu == 1 -> emit(PDU(K_PT, ptRepeats[me], 0, 0, 0)); turn[me] = ASKING /* sendTurnPlease */
  :: eTu == 2 -> emit(PDU(K_GTC, 0, 0, 0, 0)); gaveUnacked[me] = 1; turn[me] = GIVING /* giveTurn, rememberTurnGiven */
  :: else -> skip
  fi;
  /* sending */
  if
  :: eSe == 1 ->
     /* startActivity, sendActivityStart */
     outAct[me] = acked[me] + 1; outSent[me] = 0; outConf[me] = 0;
     emit(PDU(K_AS, outAct[me], 0, 0, 0));
     sending[me] = TRANSFERRING
  :: eSe == 2 ->
     /* sendSegment, sendSegmentData, sendMinorSync */
     send_segment();
     emit(PDU(K_MIP, outSent[me], 0, 0, 0))
  :: eSe == 3 -> send_segment()
  :: eSe == 4 ->
     emit(PDU(K_AE, outAct[me], SEGMENTS(me), MSG_SIZE, 0)); /* sendActivityEnd */
     sending[me] = ENDING
  :: eSe == 5 ->
     emit(PDU(K_AR, outAct[me], outConf[me], 0, 0)); /* sendActivityResume */
     sending[me] = TRANSFERRING
  :: else -> skip
  fi;
  run_entry()
}

/* A macrostep of MTA `me` for the event evType / evArg. */
inline mta_macrostep() {
  rqHead = 0;
  rqLen = 0;
  do
  :: true ->
     mta_event_microstep();
     do
     :: true ->
        mta_eventless_microstep();
        if
        :: eAs + eTu + eSe > 0 -> skip
        :: else -> break
        fi
     od;
     if
     :: rqHead < rqLen ->
        evType = rqType[rqHead];
        evArg = rqArg[rqHead];
        rqHead++
     :: else -> break
     fi
  od
}

/* explore/engine/step.ts settle: deliver queued events in FIFO order until none is left. */
inline settle() {
  sqHead = 0;
  do
  :: sqHead < sqLen ->
     cur = sqHead;
     sqHead++;
     if
     :: sqTo[cur] == CHANNEL ->
        if
        :: link != OVERFLOWED -> channel_step()
        :: else -> skip /* a done actor takes no more events */
        fi
     :: else ->
        me = sqTo[cur];
        evType = sqType[cur];
        evArg = sqArg[cur];
        mta_macrostep()
     fi
  :: else -> break
  od
}

/* ---------------------------------------------------------------------------------- */
/* The mirrored safety properties (machines/properties.ts)                             */
/* ---------------------------------------------------------------------------------- */
#define SAME_AGREEMENT(s) (agreedC[s] == origC[s] && agreedW[s] == origW[s])
#define KEEPS_SIZE(s) (!IS_OPEN_PHASE(s) || agreedC[s] == NONE || origC[s] == NONE || SAME_AGREEMENT(s))
#define HOLDERS (HOLDING(A) + HOLDING(B))
#define BOTH_OPEN_ON_ONE_CONNECTION (link == UP && joined[A] && joined[B] && !pending[A] && !pending[B] && IS_OPEN_PHASE(A) && IS_OPEN_PHASE(B))
#define ONLY_HOLDER_TRANSFERS(s) (!ACTIVITY_OPEN(s) || HOLDING(s))
#define WINDOW_RESPECTED(s) (outAct[s] == 0 || agreedC[s] == NONE || agreedC[s] == 0 || outSent[s] - outConf[s] <= agreedW[s])
#define ONLY_LOWERS(s) (agreedC[s] == NONE || ((PROP_CKPT == 0 || agreedC[s] <= PROP_CKPT) && agreedW[s] >= 1 && agreedW[s] <= PROP_WIN))

inline check_properties() {
  recovery_keeps_the_negotiated_checkpoint_size = KEEPS_SIZE(A) && KEEPS_SIZE(B);
  /* turn is never lost: never two holders; open on one connection, exactly one holder or one GTC in flight */
  count = HOLDERS;
  side = 0;
  do
  :: side < 2 ->
     i = 0;
     do
     :: i < qLen[side] ->
        if
        :: KIND(SLOT(side, i)) == K_GTC -> count++
        :: else -> skip
        fi;
        i++
     :: else -> break
     od;
     side++
  :: else -> break
  od;
  turn_is_never_lost = HOLDERS <= 1 && (!BOTH_OPEN_ON_ONE_CONNECTION || count == 1);
  /* the invariant itself, also in runs where our verdict is n/a (the test then compares it
   * with the invariant's verdict without the n/a) */
  confirmed_data_is_never_sent_again = !resent[A] && !resent[B];
  each_message_is_delivered_whole = !damaged[A] && !damaged[B];
  /* exactly once, in order: what side receives is 1, 2, ... and no more than its peer submitted */
  flag = 1;
  side = 0;
  do
  :: side < 2 ->
     flag = flag && dLen[side] <= submitted[PEER_OF(side)];
     i = 0;
     do
     :: i < dLen[side] -> flag = flag && dList[side * MAXLIST + i] == i + 1; i++
     :: else -> break
     od;
     side++
  :: else -> break
  od;
  each_message_is_delivered_exactly_once_in_order = flag;
  only_the_turn_holder_transfers = ONLY_HOLDER_TRANSFERS(A) && ONLY_HOLDER_TRANSFERS(B);
  the_window_is_respected = WINDOW_RESPECTED(A) && WINDOW_RESPECTED(B);
  negotiation_only_lowers = ONLY_LOWERS(A) && ONLY_LOWERS(B);
  the_channel_stays_within_its_capacity = link != OVERFLOWED;
  assert(recovery_keeps_the_negotiated_checkpoint_size);
  assert(turn_is_never_lost);
  assert(confirmed_data_is_never_sent_again);
  assert(each_message_is_delivered_whole);
  assert(each_message_is_delivered_exactly_once_in_order);
  assert(only_the_turn_holder_transfers);
  assert(the_window_is_respected);
  assert(negotiation_only_lowers);
  assert(the_channel_stays_within_its_capacity)
}

/* ---------------------------------------------------------------------------------- */
/* A state dump for comparing state sets with ours (compile pan with -DPRINTF and the  */
/* model with -DTWIN_TRACE); machines/harness/spin/twin.ts twinStateLine prints ours alike.    */
/* ---------------------------------------------------------------------------------- */
inline print_state() {
#ifdef TWIN_TRACE
  printf("STATE");
  side = 0;
  do
  :: side < 2 ->
     printf(" %d %d %d %d %d %d %d %d %d %d %d", assoc[side], turn[side], sending[side], receiving[side], connId[side], connAs[side], agreedC[side], agreedW[side], origC[side], origW[side], request[side]);
     printf(" %d %d %d %d %d %d", opened[side], thrOpened[side], openingThr[side], ptRepeats[side], unaskedGives[side], gaveUnacked[side]);
     printf(" %d %d %d %d %d %d %d %d %d %d %d %d", attempts[side], submitted[side], acked[side], outAct[side], outSent[side], outConf[side], inAct[side], inKB[side], inIntact[side], confKB[side], resent[side], damaged[side]);
     printf(" d");
     i = 0;
     do
     :: i < dLen[side] -> printf(" %d", dList[side * MAXLIST + i]); i++
     :: else -> break
     od;
     printf(" |");
     side++
  :: else -> break
  od;
  printf(" %d %d %d %d %d %d", link, joined[A], joined[B], pending[A], pending[B], losses);
  side = 0;
  do
  :: side < 2 ->
     printf(" q");
     i = 0;
     do
     :: i < qLen[side] -> printf(" %d", SLOT(side, i)); i++
     :: else -> break
     od;
     side++
  :: else -> break
  od;
  printf("\n");
#endif
  skip
}

/* ---------------------------------------------------------------------------------- */
/* The environment steps (machines/composition.ts everyEnvironmentStep), as guards:    */
/* offered by enabledEnvironmentSteps AND changing the state.                          */
/* ---------------------------------------------------------------------------------- */
/* user.submit: the MTA counts it when it may submit (maySubmit) */
#define CAN_SUBMIT(s) (submitted[s] < MSGS(s) && MAY_SUBMIT(s))
/* net.deliver / net.notice: a done channel ignores them */
#define CAN_DELIVER(s) (link != OVERFLOWED && qLen[s] > 0 && (!pending[s] || KIND(SLOT(s, 0)) == K_RTORQ))
#define CAN_NOTICE(s) (link != OVERFLOWED && pending[s])
/* timer.recovery, decided by both MTAs: this one awaits recovery, and the other is not
 * open, recovering or answering (a recovery is in progress or can still start) */
#define CAN_TIME_OUT(s) (assoc[s] == AWAITING && !IS_OPEN_PHASE(PEER_OF(s)) && !IS_RECOVERING(PEER_OF(s)) && assoc[PEER_OF(s)] != ANSWERING)
/* queue.threshold, decided by both MTAs: this one's queue is at T, and the other leaves the
 * open association idle (isQuietPeer: open.ready, sending idle, not giving); taken in the open
 * phase by mayOpenThresholdAssociation */
#define QUIET_PEER(s) (assoc[s] == READY && sending[s] == S_IDLE && turn[s] != GIVING)
#define CAN_THRESHOLD(s) (QUEUE_LENGTH(s) >= THRESHOLD && QUIET_PEER(PEER_OF(s)) && IS_OPEN_PHASE(s) && MAY_OPEN_THRESHOLD(s))
/* turn.askAgain: offered while asking on an open association, taken while repeats are left */
#define CAN_ASK_AGAIN(s) (turn[s] == ASKING && assoc[s] == READY && ptRepeats[s] < PT_REPEATS)
/* turn.giveUnasked: offered in holding.unasked with sending idle, taken by mayGiveTurnUnasked */
#define CAN_GIVE_UNASKED(s) (turn[s] == UNASKED && sending[s] == S_IDLE && MAY_GIVE_UNASKED(s))
/* local.limit: offered (and always taken) while answering, one step per limit pair of the bounds */
#define IS_LIMIT(c, w) ((LIMIT_CKPTS / (1 << (c))) % 2 == 1 && (LIMIT_WINS / (1 << (w))) % 2 == 1)
#define CAN_ANSWER(s) (assoc[s] == ANSWERING)
/* net.lose */
#define CAN_LOSE (link == UP && losses < LOSSES)

#define ANY_STEP (CAN_SUBMIT(A) || CAN_SUBMIT(B) || CAN_DELIVER(A) || CAN_DELIVER(B) || CAN_NOTICE(A) || CAN_NOTICE(B) || \
  CAN_TIME_OUT(A) || CAN_TIME_OUT(B) || CAN_THRESHOLD(A) || CAN_THRESHOLD(B) || \
  CAN_ASK_AGAIN(A) || CAN_ASK_AGAIN(B) || CAN_GIVE_UNASKED(A) || CAN_GIVE_UNASKED(B) || \
  (LIMIT_CKPTS != 0 && LIMIT_WINS != 0 && (CAN_ANSWER(A) || CAN_ANSWER(B))) || CAN_LOSE)

/* isValidEndState: both queues empty */
#define VALID_END (submitted[A] == acked[A] && submitted[B] == acked[B])

/* The step chosen, between choosing it and performing it inside the atomic below. It is
 * zero again when the step is done, so it is zero in every stored state. Kept in the state
 * vector (not hidden) so that the choice is restored with the state it was made in. */
byte stepTo = 0;
byte stepType = 0;
byte stepSide = 0;
byte stepArg = 0;

/* One option per step: the guard and the choice are one d_step. */
#define CHOOSE(guard, to, type, s, arg) \
  :: d_step { (guard) -> stepTo = to; stepType = type; stepSide = s; stepArg = arg }

/* one option per limit pair (no `select`: that would store intermediate states) */
#define LIMIT(s, c, w) CHOOSE(IS_LIMIT(c, w) && CAN_ANSWER(s), s, EV_LIMIT, 0, (c) * 16 + (w))
#define LIMITS(s) \
  LIMIT(s, 0, 1) LIMIT(s, 0, 2) LIMIT(s, 0, 3) LIMIT(s, 0, 4) \
  LIMIT(s, 1, 1) LIMIT(s, 1, 2) LIMIT(s, 1, 3) LIMIT(s, 1, 4) \
  LIMIT(s, 2, 1) LIMIT(s, 2, 2) LIMIT(s, 2, 3) LIMIT(s, 2, 4) \
  LIMIT(s, 3, 1) LIMIT(s, 3, 2) LIMIT(s, 3, 3) LIMIT(s, 3, 4) \
  LIMIT(s, 4, 1) LIMIT(s, 4, 2) LIMIT(s, 4, 3) LIMIT(s, 4, 4)

/* One side's steps, in everyEnvironmentStep's order (the order changes no stored state). */
#define STEPS_AT(s) \
  CHOOSE(CAN_SUBMIT(s), s, EV_SUBMIT, 0, 0) \
  CHOOSE(CAN_DELIVER(s), CHANNEL, EV_DELIVER, s, 0) \
  CHOOSE(CAN_NOTICE(s), CHANNEL, EV_NOTICE, s, 0) \
  CHOOSE(CAN_TIME_OUT(s), s, EV_TIMER, 0, 0) \
  CHOOSE(CAN_THRESHOLD(s), s, EV_THRESHOLD, 0, 0) \
  CHOOSE(CAN_ASK_AGAIN(s), s, EV_ASK_AGAIN, 0, 0) \
  CHOOSE(CAN_GIVE_UNASKED(s), s, EV_GIVE_UNASKED, 0, 0) \
  LIMITS(s)

/*
 * The loop. Each environment step is one option `:: d_step { guard -> choose }` of the
 * `if` that opens one atomic sequence, whose rest is the one d_step that performs the
 * chosen step: the event to its actor, the settle, the properties over the state reached.
 * SPIN (depth-first) stores no state inside an atomic sequence, so each step is one
 * stored-state transition from the loop head to the loop head, exactly as if it were one
 * `:: guard -> d_step { ... }` option; sharing the d_step keeps pan.c small (an inlined
 * settle per option made gcc take about a minute per run).
 */
active proctype system() {
  do
  :: atomic {
       if
       STEPS_AT(A)
       STEPS_AT(B)
       CHOOSE(CAN_LOSE, CHANNEL, EV_LOSE, 0, 0)
       fi;
       d_step {
         sqLen = 0;
         post(stepTo, stepType, stepSide, stepArg);
         stepTo = 0; stepType = 0; stepSide = 0; stepArg = 0;
         settle();
         check_properties();
         print_state()
       }
     }
  /* a valid end state: no step, both queues empty; a self-loop so SPIN does not call it invalid */
  :: (VALID_END && !(ANY_STEP))
  od
}
