/*
 * A hand-written SPIN twin of the composed MTA system: MTA A (association initiator),
 * the channel and MTA B (responder), at exactly the abstraction the TypeScript checker
 * explores (machines/mta.machine.ts, machines/channel.machine.ts, machines/variants.ts,
 * machines/composition.ts, explore/step.ts).
 *
 * Why a twin: SPIN knows nothing of XState, so if its stored state count and its
 * verdicts equal ours for every variant, both checkers agree on what the charts mean.
 * test/spin-twin.test.ts runs it; machines/spin/twin.ts gives the -D flags.
 *
 * How it lines up with the TypeScript explorer
 * --------------------------------------------
 * - One composed state of ours = one stored SPIN state. The global (non-hidden)
 *   variables below carry exactly what our state key carries: per actor its status,
 *   state value and context without `config` (machines/composition.ts keyOf). Parts of
 *   the key that are the same in every state are left out and named where they would be
 *   (the dialogue mode inside an agreement, a PDU's initialTurn, which is always
 *   'initiator' here). Scratch variables are `hidden`, so they are not in the state
 *   vector.
 * - Run spin with -o2. Without it spin also leaves out of the state vector every variable
 *   that is written but never read, and two parts of our key are such: inConf
 *   (incoming.lastConfirmedSerial) and xList (the ids in damagedDeliveries). SPIN then
 *   merges states we keep apart (patched twa: 3785 stored instead of 4379).
 * - One environment step of ours (everyEnvironmentStep) = one option
 *   `:: d_step { guard -> choose the step }` of the `if` that opens the loop's atomic
 *   sequence; the rest of the sequence is one d_step that performs the step: the whole
 *   settle of explore/step.ts, the event to its actor, then every event the actors
 *   emit, in FIFO order, until nothing is left. A depth-first pan stores no state inside
 *   an atomic sequence, so each step goes from the loop head to the loop head and every
 *   stored state has the same pc, exactly as with one `:: guard -> d_step { ... }` loop
 *   option per step; one shared d_step keeps pan.c small (a settle inlined per option made
 *   gcc take about a minute). pan must search depth-first: a breadth-first pan stores
 *   atomic intermediates too, and refuses models with hidden variables anyway.
 * - Our explorer counts a step that leaves the state as it was as no step. A guard here is
 *   therefore "the step is offered (enabledEnvironmentSteps) AND it changes something";
 *   otherwise SPIN would see a self-loop, and a state whose only moves are self-loops would
 *   not be an end state for SPIN while it is one for us.
 * - End states: a state with no step is a valid end state for us iff both MTAs' queues are
 *   empty. The loop head carries no end label, so SPIN reports every state with no
 *   executable option as an "invalid end state"; for the valid ones the loop's last option
 *   is a bare condition, executable exactly when no step is and the state is valid: a
 *   self-loop that changes nothing and so adds no stored state. SPIN's invalid end states
 *   are then exactly our terminal states that are not valid end states.
 * - The initial state: XState starts A in association.idle, whose eventless transition
 *   opens at once (connection id 1, RTORQ), and the channel carries that RTORQ. A step
 *   computing this would leave a stored pre-initial state at another pc, so the initial
 *   values are written as initialisers instead. Free queue slots hold BLANK, which is that
 *   first RTORQ, so the one non-empty queue needs no initialising step either.
 * - Safety properties are assertions at the end of every step, over the state it reached,
 *   so every reachable state but the initial one is checked (in the initial state A is
 *   opening and B idle: nobody holds the Turn and nobody is open, so both hold). Each
 *   asserts a variable named after the property, so pan's message says which one failed.
 *   An assertion on `twin_limit` is never a property: one of the twin's own arrays is
 *   too small for the bounds.
 *
 * XState semantics mirrored (xstate 5.33.3, raise-*.esm.js macrostep/microstep):
 * - An event selects at most one transition per region, regions in document order
 *   (association, turn, sending, receiving), the innermost state first, the first
 *   candidate whose guard holds; all guards see the state before the microstep. Then
 *   transition actions run in region order, each assign visible to the next action, then
 *   the entry actions of entered states (only opening and recovering.connecting have any).
 *   An event no region takes falls to the root (user.submit).
 * - After a microstep, eventless (always) transitions are taken until none is enabled;
 *   only then is the next raised event (association.established, net.lost) taken from the
 *   internal queue, again followed by eventless transitions.
 * - emit() is resolved when it runs, so a PDU carries the context as assigned by the
 *   actions before it. What an actor emits is routed (system.ts routeEmitted) to the back
 *   of the settle queue.
 * - A done actor (the channel after `overflowed`) takes no more events.
 *
 * The variant (machines/variants.ts) is two cpp flags: TURN_FIX substitutes
 * isTurnRederivedOnRecovery, CKPT_FIX substitutes isAcceptableRecoveryAnswer and
 * isRecoveryRequestCompatible.
 */

/* ---------------------------------------------------------------------------------- */
/* Configuration: cpp defines, normally all given by machines/spin/twin.ts.            */
/* The defaults are the default bounds (machines/bounds.ts), patched, two-way alternate. */
/* ---------------------------------------------------------------------------------- */
#ifndef TURN_FIX
#define TURN_FIX 1
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
#define MSGS_B 1
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
#ifndef CKPT_A
#define CKPT_A 2
#endif
#ifndef WIN_A
#define WIN_A 2
#endif
#ifndef CKPT_B
#define CKPT_B 1
#endif
#ifndef WIN_B
#define WIN_B 2
#endif
#ifndef MSG_SIZE
#define MSG_SIZE 2
#endif
#ifndef CAPACITY
#define CAPACITY 16
#endif
/* The acceptor's recovery answers offered: checkpoint 0..ANSWER_CKPT_MAX x window 1..ANSWER_WIN_MAX. */
#ifndef ANSWER_CKPT_MAX
#define ANSWER_CKPT_MAX CKPT_A
#endif
#ifndef ANSWER_WIN_MAX
#define ANSWER_WIN_MAX WIN_A
#endif

/* Sizes of the twin's own arrays. They bound nothing of the model: overrunning one is an
 * assertion `twin_limit` (never a property), and then the defines must grow. */
#define QSLOTS (CAPACITY + 1)    /* a connect request is queued without a room check */
#ifndef MAXLIST
#define MAXLIST 8                /* delivered / damagedDeliveries entries per MTA */
#endif
#define SETTLE_MAX 64            /* events travelling during one step */
#define RAISED_MAX 4             /* events one MTA raises in one macrostep */

#if ANSWER_CKPT_MAX > 4 || ANSWER_WIN_MAX > 4 || CKPT_A > 15 || CKPT_B > 15 || WIN_A > 15 || WIN_B > 15
#error "the twin encodes checkpoint and window sizes in 4 bits and offers recovery answers up to checkpoint 4, window 4"
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
#define RECOVERY_FAILED 6
#define AWAITING 7
#define ANSWERING 8
#define CLOSED 9
#define IS_OPEN_PHASE(s) (assoc[s] == ESTABLISHING || assoc[s] == READY)

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

/* channel state */
#define DOWN 0
#define UP 1
#define OVERFLOWED 2

/* No agreement / no recovery request (context null). */
#define NONE 255
#define NOREQ (-1)

/* A PDU is one int: kind in the low 5 bits, then fields of 4, 4, 4 bits, then 8 bits
 * (the connection id). Every field of ours is there except the constant ones. */
#define K_RTORQ 0
#define K_RTOAC 1
#define K_RTORJ 2
#define K_RTAB 3
#define K_AS 4
#define K_DT 5
#define K_MIP 6
#define K_MIA 7
#define K_AE 8
#define K_AEA 9
#define K_AR 10
#define K_AD 11
#define K_ER 12
#define K_PT 13
#define K_GTC 14
#define K_GTA 15
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
 * initialTurn is 'initiator' in every RTORQ and RTOAC the charts send (sendOpenRequest,
 * sendRecoveryRequest; RTOAC copies the request's), so it is not stored. */
#define RTORQ(d, id) PDU(K_RTORQ, CKPT_A, WIN_A, (d) + 2 * MODE_TWA, id)
#define RQ_KIND(p) (F3(p) % 2)
#define RQ_TWA(p) (F3(p) / 2)
/* RTOAC: f1 checkpoint, f2 window, f3 data kind, f4 connection id. */
#define RTOAC(c, w, d, id) PDU(K_RTOAC, c, w, d, id)
/* RTORJ reasons and RTAB / ER reasons, in pdu.ts order */
#define CANNOT_RECOVER 1
#define UNACCEPTABLE_MODE 3
#define TRANSFER_COMPLETED 1
#define PROTOCOL_ERROR 2

/* Free queue slots hold the first RTORQ, so the initial queues are one initialiser. */
#define BLANK RTORQ(D_OPEN, 1)

/* configuration of each MTA (machines/composition.ts systemConfigFor) */
#define MY_CKPT(s) ((s) == A -> CKPT_A : CKPT_B)
#define MY_WIN(s) ((s) == A -> WIN_A : WIN_B)
#define MSGS(s) ((s) == A -> MSGS_A : (MODE_TWA -> MSGS_B : 0))
#define MIN(x, y) ((x) < (y) -> (x) : (y))

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
byte inAct[2] = 0;               /* incoming: null (0), or activity, segmentsHeld, lastConfirmedSerial, intact */
byte inHeld[2] = 0;
byte inConf[2] = 0;
bit inIntact[2] = 0;
byte dLen[2] = 0;                /* delivered: the list of message ids, in order */
byte dList[2 * MAXLIST] = 0;
byte xLen[2] = 0;                /* damagedDeliveries: the same */
byte xList[2 * MAXLIST] = 0;

/* Channel: state value (status is 'done' exactly when it is OVERFLOWED) and context */
byte link = UP;
byte epoch = 1;
byte epochOf[2] = { 1, 0 };
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
hidden byte side;
hidden byte i;
hidden byte flag;
hidden byte count;
/* the mirrored properties, evaluated after every step */
hidden byte recovery_keeps_the_negotiated_checkpoint_size;
hidden byte turn_is_never_lost;
hidden byte twin_limit;           /* false: one of the twin's own arrays overflowed (not a property) */

/* event types: to an MTA ... */
#define EV_SUBMIT 1
#define EV_LOST 2
#define EV_TIMER 3
#define EV_THRESHOLD 4
#define EV_ANSWER 5              /* arg = checkpoint * 16 + window */
#define EV_PEER 6                /* arg = the PDU */
#define EV_ESTABLISHED 7         /* arg = fresh (initialTurn is always 'initiator') */
/* ... and to the channel */
#define EV_SEND 8                /* side = from, arg = the PDU */
#define EV_DELIVER 9             /* side = to */
#define EV_NOTICE 10             /* side = to */
#define EV_LOSE 11

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

/* what an MTA emits ('send') goes to the channel as mta.send */
inline emit(p) {
  post(CHANNEL, EV_SEND, me, p)
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

inline channel_step() {
  side = sqSide[cur];
  pdu = sqArg[cur];
  if
  :: sqType[cur] == EV_SEND ->
     if
     :: KIND(pdu) == K_RTORQ ->
        /* down -> up, or up -> up (reenter): a connect opens a new connection
         * (openConnection, then enqueue); no room check */
        epoch++;
        epochOf[A] = epoch;
        clear_queue(A);
        enqueue(PEER_OF(side), pdu);
        link = UP
     :: else ->
        if
        :: link == UP && epochOf[side] == epoch ->
           if
           :: qLen[PEER_OF(side)] < CAPACITY ->
              enqueue(PEER_OF(side), pdu);
              if
              :: KIND(pdu) == K_RTORJ || KIND(pdu) == K_RTAB ->
                 /* RTORJ / RTAB end the connection; what was in flight to the sender is gone */
                 clear_queue(side);
                 link = DOWN
              :: else -> skip
              fi
           :: else -> link = OVERFLOWED
           fi
        :: else -> skip /* no connection, or the sender is not on it: the PDU is lost */
        fi
     fi
  :: sqType[cur] == EV_DELIVER ->
     if
     :: qLen[side] > 0 && !pending[side] ->
        pdu = SLOT(side, 0);
        if
        :: KIND(pdu) == K_RTORQ -> epochOf[side] = epoch /* joinConnectionOnConnectRequest */
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
        pending[A] = pending[A] || epochOf[A] == epoch;
        pending[B] = pending[B] || epochOf[B] == epoch;
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
/* maySubmit: in monologue only the initiator sends */
#define MAY_SUBMIT(s) ((s) == A || MODE_TWA)

/* the variant's guards (machines/variants.ts) */
#if CKPT_FIX
/* patched isRecoveryRequestCompatible / isAcceptableRecoveryAnswer */
#define COMPATIBLE(s) (request[s] != NOREQ && origC[s] != NONE && RQ_TWA(request[s]) == MODE_TWA && F1(request[s]) >= origC[s] && F2(request[s]) >= origW[s])
#define ACCEPTABLE(s, c, w) (origC[s] != NONE && (c) == origC[s] && (w) == origW[s])
#else
/* acceptsAnyRecoveryRequest / renegotiatesSizesOnRecovery */
#define COMPATIBLE(s) 1
#define ACCEPTABLE(s, c, w) (request[s] != NOREQ && (c) <= F1(request[s]) && (w) >= 1 && (w) <= F2(request[s]))
#endif

/* Entry actions of the state entered by a microstep, after all transition actions. */
inline run_entry() {
  if
  :: entering == OPENING ->
     /* chooseNewConnectionId, sendOpenRequest */
     connId[me]++;
     twin_check(connId[me] < 255);
     emit(RTORQ(D_OPEN, connId[me]))
  :: entering == CONNECTING ->
     /* countRecoveryAttempt, sendRecoveryRequest */
     attempts[me]++;
     emit(RTORQ(D_RECOVER, connId[me]))
  :: else -> skip
  fi
}

inline forget_incoming() {
  inAct[me] = 0; inHeld[me] = 0; inConf[me] = 0; inIntact[me] = 0
}

inline forget_outgoing() {
  outAct[me] = 0; outSent[me] = 0; outConf[me] = 0
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

/* net.lost: association, turn and sending all react, in that order, then the entry. */
inline mta_on_lost() {
  /* association */
  if
  :: assoc[me] == OPENING -> entering = OPENING /* reenter: the connect is tried again */
  :: IS_OPEN_PHASE(me) ->
     if
     :: me == A && RECOVERABLE(me) ->
        attempts[me] = 0; /* resetRecoveryAttempts */
        assoc[me] = CONNECTING;
        entering = CONNECTING
     :: me == A -> assoc[me] = OPENING; entering = OPENING
     :: me != A && RECOVERABLE(me) -> assoc[me] = AWAITING
     :: else -> assoc[me] = IDLE
     fi
  :: assoc[me] == CONNECTING -> assoc[me] = ATTEMPT_FAILED
  :: assoc[me] == ANSWERING -> request[me] = NOREQ; assoc[me] = AWAITING
  :: else -> skip
  fi;
  /* turn */
  if
  :: turn[me] == ASKING -> turn[me] = QUIET
  :: turn[me] == ASKED -> turn[me] = UNASKED
  :: turn[me] == GIVING -> turn[me] = QUIET
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

/* association.established (raised): every region reacts in one microstep. */
inline mta_on_established() {
  /* evArg = fresh; the token setting is always 'initiator', so the Turn is A's */
  if
  :: assoc[me] == ESTABLISHING -> assoc[me] = READY
  :: else -> skip
  fi;
  /* turn: entering holding / notHolding anew resets their substates */
  if
  :: evArg == 1 && me == A -> turn[me] = UNASKED
  :: evArg == 1 && me != A -> turn[me] = QUIET
#if TURN_FIX
  :: evArg == 0 && me == A -> turn[me] = UNASKED
  :: evArg == 0 && me != A -> turn[me] = QUIET
#endif
  :: else -> skip /* unpatched (KB Q166594): each side keeps its pre-loss belief */
  fi;
  if
  :: evArg == 1 -> sending[me] = S_IDLE; forget_outgoing()
  :: else -> skip
  fi;
  if
  :: evArg == 1 -> receiving[me] = NO_ACTIVITY; forget_incoming()
  :: else -> skip
  fi
}

/* peer.<PDU>: only one region handles each kind. */
inline mta_on_pdu() {
  pdu = evArg;
  if
  /* ---- association ---- */
  :: KIND(pdu) == K_RTORQ ->
     if
     :: assoc[me] == AWAITING && RQ_KIND(pdu) == D_RECOVER && origC[me] != NONE && F4(pdu) == connId[me] ->
        request[me] = pdu; /* rememberRecoveryRequest */
        assoc[me] = ANSWERING
     :: else ->
        /* the association-level handler, in any phase */
        if
        :: RQ_KIND(pdu) == D_OPEN && RQ_TWA(pdu) == MODE_TWA ->
           /* agreeOnOpenRequest, sendOpenAccept, announceEstablished(fresh) -> open.establishing */
           connId[me] = F4(pdu);
           agreedC[me] = MIN(F1(pdu), MY_CKPT(me));
           agreedW[me] = MIN(F2(pdu), MY_WIN(me));
           origC[me] = agreedC[me];
           origW[me] = agreedW[me];
           request[me] = NOREQ;
           emit(RTOAC(agreedC[me], agreedW[me], D_OPEN, connId[me]));
           raise(EV_ESTABLISHED, 1);
           assoc[me] = ESTABLISHING
        :: RQ_KIND(pdu) == D_OPEN -> emit(PDU(K_RTORJ, UNACCEPTABLE_MODE, 0, 0, 0))
        :: else -> emit(PDU(K_RTORJ, CANNOT_RECOVER, 0, 0, 0))
        fi
     fi
  :: KIND(pdu) == K_RTOAC ->
     if
     :: assoc[me] == OPENING ->
        /* adoptFreshAgreement, announceEstablished(fresh) */
        agreedC[me] = F1(pdu);
        agreedW[me] = F2(pdu);
        origC[me] = agreedC[me];
        origW[me] = agreedW[me];
        attempts[me] = 0;
        raise(EV_ESTABLISHED, 1);
        assoc[me] = ESTABLISHING
     :: assoc[me] == CONNECTING ->
        if
        :: origC[me] != NONE && F1(pdu) == origC[me] && F2(pdu) == origW[me] ->
           raise(EV_ESTABLISHED, 0);
           assoc[me] = ESTABLISHING
        :: else ->
           emit(PDU(K_RTAB, PROTOCOL_ERROR, 0, 0, 0)); /* abortMismatchedRecovery (KB Q187929) */
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
  :: KIND(pdu) == K_RTAB ->
     if
     :: IS_OPEN_PHASE(me) && me == B && F1(pdu) == PROTOCOL_ERROR -> raise(EV_LOST, 0) /* treatAsConnectionLoss */
     :: else -> skip
     fi
  /* ---- turn ---- */
  :: KIND(pdu) == K_PT ->
     if
     :: turn[me] == UNASKED -> turn[me] = ASKED
     :: else -> skip /* notHolding: passed up and ignored (no change); elsewhere not handled */
     fi
  :: KIND(pdu) == K_GTC ->
     if
     :: turn[me] == QUIET || turn[me] == ASKING ->
        emit(PDU(K_GTA, 0, 0, 0, 0)); /* acknowledgeTurn */
        turn[me] = UNASKED
     :: else -> skip
     fi
  :: KIND(pdu) == K_GTA ->
     if
     :: turn[me] == GIVING -> turn[me] = QUIET
     :: else -> skip
     fi
  /* ---- sending ---- */
  :: KIND(pdu) == K_MIA ->
     if
     :: ACTIVITY_OPEN(me) && outAct[me] != 0 -> outConf[me] = F1(pdu) /* recordCheckpointConfirmed */
     :: else -> skip
     fi
  :: KIND(pdu) == K_ER ->
     if
     :: ACTIVITY_OPEN(me) && F1(pdu) == TRANSFER_COMPLETED ->
        emit(PDU(K_AD, outAct[me], 0, 0, 0)); /* sendActivityDiscard, then completeActivity */
        forget_outgoing();
        acked[me]++;
        sending[me] = S_IDLE
     :: else -> skip
     fi
  :: KIND(pdu) == K_AEA ->
     if
     :: sending[me] == ENDING -> forget_outgoing(); acked[me]++; sending[me] = S_IDLE
     :: else -> skip
     fi
  /* ---- receiving ---- */
  :: KIND(pdu) == K_AS ->
     find_delivered(F1(pdu));
     if
     :: flag ->
        /* reportTransferCompleted; incoming is left as it was */
        emit(PDU(K_ER, TRANSFER_COMPLETED, 0, 0, 0));
        receiving[me] = NO_ACTIVITY
     :: else ->
        inAct[me] = F1(pdu); inHeld[me] = 0; inConf[me] = 0; inIntact[me] = 1;
        receiving[me] = IN_ACTIVITY
     fi
  :: KIND(pdu) == K_AD -> skip
  :: KIND(pdu) == K_AR ->
     find_delivered(F1(pdu));
     if
     :: flag ->
        emit(PDU(K_ER, TRANSFER_COMPLETED, 0, 0, 0));
        receiving[me] = NO_ACTIVITY
     :: else ->
        /* resumeIncomingActivity: what is held of the same activity, else nothing */
        if
        :: inAct[me] != 0 && inAct[me] == F1(pdu) -> inIntact[me] = inIntact[me] && F2(pdu) <= inHeld[me]
        :: else -> inIntact[me] = (F2(pdu) <= 0)
        fi;
        inAct[me] = F1(pdu);
        inHeld[me] = F2(pdu);
        inConf[me] = F2(pdu);
        receiving[me] = IN_ACTIVITY
     fi
  :: KIND(pdu) == K_DT ->
     if
     :: receiving[me] == IN_ACTIVITY && inAct[me] != 0 && inAct[me] == F1(pdu) ->
        inIntact[me] = inIntact[me] && F2(pdu) == inHeld[me] + 1; /* holdSegment */
        inHeld[me]++
     :: else -> skip
     fi
  :: KIND(pdu) == K_MIP ->
     if
     :: receiving[me] == IN_ACTIVITY ->
        if
        :: inAct[me] != 0 -> inConf[me] = F1(pdu) /* recordMinorSync */
        :: else -> skip
        fi;
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
        if
        :: inIntact[me] && inHeld[me] == F2(pdu) -> skip
        :: else ->
           twin_check(xLen[me] < MAXLIST);
           xList[me * MAXLIST + xLen[me]] = inAct[me];
           xLen[me]++
        fi;
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
     :: assoc[me] == RECOVERY_FAILED -> assoc[me] = OPENING; entering = OPENING
     :: else -> skip
     fi
  :: evType == EV_THRESHOLD ->
     if
     :: IS_OPEN_PHASE(me) && me == A && QUEUE_LENGTH(me) >= THRESHOLD && !HOLDING(me) ->
        assoc[me] = OPENING; entering = OPENING
     :: else -> skip
     fi
  :: evType == EV_ANSWER ->
     if
     :: assoc[me] == ANSWERING && ACCEPTABLE(me, evArg / 16, evArg % 16) ->
        /* agreeOnRecoveryAnswer, sendRecoveryAccept, announceEstablished, forgetRecoveryRequest */
        agreedC[me] = evArg / 16;
        agreedW[me] = evArg % 16;
        emit(RTOAC(agreedC[me], agreedW[me], D_RECOVER, connId[me]));
        raise(EV_ESTABLISHED, 0);
        request[me] = NOREQ;
        assoc[me] = ESTABLISHING
     :: else -> skip
     fi
  :: evType == EV_LOST -> mta_on_lost()
  :: evType == EV_ESTABLISHED -> mta_on_established()
  :: evType == EV_PEER -> mta_on_pdu()
  fi;
  run_entry()
}

/* One microstep of eventless transitions; eAs + eTu + eSe > 0 when one was taken.
 * Guards are read before any action runs, as XState selects them. */
inline mta_eventless_microstep() {
  entering = NO_ENTRY;
  eAs = 0; eTu = 0; eSe = 0;
  if
  :: assoc[me] == IDLE && me == A -> eAs = 1 /* the initiator opens at once */
  :: assoc[me] == ATTEMPT_FAILED -> eAs = (attempts[me] < ATTEMPTS -> 2 : 3)
  :: assoc[me] == ANSWERING && !(COMPATIBLE(me)) -> eAs = 4
  :: else -> skip
  fi;
  if
  :: turn[me] == QUIET && agreedC[me] != NONE && MODE_TWA && assoc[me] == READY && HAS_MAIL(me) -> eTu = 1
  :: turn[me] == ASKED && !ACTIVITY_OPEN(me) -> eTu = 2
  :: else -> skip
  fi;
  if
  :: sending[me] == S_IDLE && assoc[me] == READY && turn[me] == UNASKED && HAS_MAIL(me) -> eSe = 1
  :: sending[me] == TRANSFERRING && WINDOW_OPEN(me) && agreedC[me] > 0 -> eSe = 2
  :: sending[me] == TRANSFERRING && WINDOW_OPEN(me) && agreedC[me] == 0 -> eSe = 3
  :: sending[me] == TRANSFERRING && !WINDOW_OPEN(me) && ALL_SENT(me) -> eSe = 4
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
  :: eAs == 3 -> assoc[me] = RECOVERY_FAILED
  :: eAs == 4 ->
     /* checkpoint-fix: refuse a request the original agreement cannot answer */
     emit(PDU(K_RTORJ, CANNOT_RECOVER, 0, 0, 0));
     request[me] = NOREQ;
     assoc[me] = AWAITING
  :: else -> skip
  fi;
  /* turn */
  if
  :: eTu == 1 -> emit(PDU(K_PT, 0, 0, 0, 0)); turn[me] = ASKING
  :: eTu == 2 -> emit(PDU(K_GTC, 0, 0, 0, 0)); turn[me] = GIVING
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
     outSent[me]++;
     emit(PDU(K_DT, outAct[me], outSent[me], 0, 0));
     emit(PDU(K_MIP, outSent[me], 0, 0, 0))
  :: eSe == 3 ->
     outSent[me]++;
     emit(PDU(K_DT, outAct[me], outSent[me], 0, 0))
  :: eSe == 4 ->
     emit(PDU(K_AE, outAct[me], SEGMENTS(me), 0, 0));
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

/* explore/step.ts settle: deliver queued events in FIFO order until none is left. */
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
#define BOTH_OPEN_ON_ONE_CONNECTION (link == UP && epochOf[A] == epoch && epochOf[B] == epoch && !pending[A] && !pending[B] && IS_OPEN_PHASE(A) && IS_OPEN_PHASE(B))

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
  assert(recovery_keeps_the_negotiated_checkpoint_size);
  assert(turn_is_never_lost)
}

/* ---------------------------------------------------------------------------------- */
/* A state dump for comparing state sets with ours (compile pan with -DPRINTF and the  */
/* model with -DTWIN_TRACE); machines/spin/twin.ts twinStateLine prints ours alike.    */
/* ---------------------------------------------------------------------------------- */
inline print_state() {
#ifdef TWIN_TRACE
  printf("STATE");
  side = 0;
  do
  :: side < 2 ->
     printf(" %d %d %d %d %d %d %d %d %d %d", assoc[side], turn[side], sending[side], receiving[side], connId[side], agreedC[side], agreedW[side], origC[side], origW[side], request[side]);
     printf(" %d %d %d %d %d %d %d %d %d %d", attempts[side], submitted[side], acked[side], outAct[side], outSent[side], outConf[side], inAct[side], inHeld[side], inConf[side], inIntact[side]);
     printf(" d");
     i = 0;
     do
     :: i < dLen[side] -> printf(" %d", dList[side * MAXLIST + i]); i++
     :: else -> break
     od;
     printf(" x");
     i = 0;
     do
     :: i < xLen[side] -> printf(" %d", xList[side * MAXLIST + i]); i++
     :: else -> break
     od;
     printf(" |");
     side++
  :: else -> break
  od;
  printf(" %d %d %d %d %d %d %d", link, epoch, epochOf[A], epochOf[B], pending[A], pending[B], losses);
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
/* user.submit: the MTA always counts it (maySubmit) */
#define CAN_SUBMIT(s) (submitted[s] < MSGS(s) && MAY_SUBMIT(s))
/* net.deliver / net.notice: a done channel ignores them */
#define CAN_DELIVER(s) (link != OVERFLOWED && qLen[s] > 0 && !pending[s])
#define CAN_NOTICE(s) (link != OVERFLOWED && pending[s])
/* timer.recovery: recoveryFailed -> opening */
#define CAN_TIME_OUT(s) (assoc[s] == RECOVERY_FAILED)
/* queue.threshold: offered at the threshold, taken only by the initiator in the open phase without the Turn */
#define CAN_THRESHOLD(s) (QUEUE_LENGTH(s) >= THRESHOLD && (s) == A && IS_OPEN_PHASE(s) && !HOLDING(s))
/* local.answer: offered in answeringRecovery, taken when the variant accepts the value */
#define CAN_ANSWER(s, c, w) ((c) <= ANSWER_CKPT_MAX && (w) <= ANSWER_WIN_MAX && assoc[s] == ANSWERING && ACCEPTABLE(s, c, w))
/* net.lose */
#define CAN_LOSE (link == UP && losses < LOSSES)

#define CAN_ANSWER_ANY(s) (CAN_ANSWER(s, 0, 1) || CAN_ANSWER(s, 0, 2) || CAN_ANSWER(s, 0, 3) || CAN_ANSWER(s, 0, 4) || \
  CAN_ANSWER(s, 1, 1) || CAN_ANSWER(s, 1, 2) || CAN_ANSWER(s, 1, 3) || CAN_ANSWER(s, 1, 4) || \
  CAN_ANSWER(s, 2, 1) || CAN_ANSWER(s, 2, 2) || CAN_ANSWER(s, 2, 3) || CAN_ANSWER(s, 2, 4) || \
  CAN_ANSWER(s, 3, 1) || CAN_ANSWER(s, 3, 2) || CAN_ANSWER(s, 3, 3) || CAN_ANSWER(s, 3, 4) || \
  CAN_ANSWER(s, 4, 1) || CAN_ANSWER(s, 4, 2) || CAN_ANSWER(s, 4, 3) || CAN_ANSWER(s, 4, 4))

#define ANY_STEP (CAN_SUBMIT(A) || CAN_SUBMIT(B) || CAN_DELIVER(A) || CAN_DELIVER(B) || CAN_NOTICE(A) || CAN_NOTICE(B) || \
  CAN_TIME_OUT(A) || CAN_TIME_OUT(B) || CAN_THRESHOLD(A) || CAN_THRESHOLD(B) || CAN_ANSWER_ANY(A) || CAN_ANSWER_ANY(B) || CAN_LOSE)

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

/* one option per answer value (no `select`: that would store intermediate states) */
#define ANSWER(s, c, w) CHOOSE(CAN_ANSWER(s, c, w), s, EV_ANSWER, 0, (c) * 16 + (w))
#define ANSWERS(s) \
  ANSWER(s, 0, 1) ANSWER(s, 0, 2) ANSWER(s, 0, 3) ANSWER(s, 0, 4) \
  ANSWER(s, 1, 1) ANSWER(s, 1, 2) ANSWER(s, 1, 3) ANSWER(s, 1, 4) \
  ANSWER(s, 2, 1) ANSWER(s, 2, 2) ANSWER(s, 2, 3) ANSWER(s, 2, 4) \
  ANSWER(s, 3, 1) ANSWER(s, 3, 2) ANSWER(s, 3, 3) ANSWER(s, 3, 4) \
  ANSWER(s, 4, 1) ANSWER(s, 4, 2) ANSWER(s, 4, 3) ANSWER(s, 4, 4)

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
       CHOOSE(CAN_SUBMIT(A), A, EV_SUBMIT, 0, 0)
       CHOOSE(CAN_SUBMIT(B), B, EV_SUBMIT, 0, 0)
       CHOOSE(CAN_DELIVER(A), CHANNEL, EV_DELIVER, A, 0)
       CHOOSE(CAN_DELIVER(B), CHANNEL, EV_DELIVER, B, 0)
       CHOOSE(CAN_NOTICE(A), CHANNEL, EV_NOTICE, A, 0)
       CHOOSE(CAN_NOTICE(B), CHANNEL, EV_NOTICE, B, 0)
       CHOOSE(CAN_TIME_OUT(A), A, EV_TIMER, 0, 0)
       CHOOSE(CAN_TIME_OUT(B), B, EV_TIMER, 0, 0)
       CHOOSE(CAN_THRESHOLD(A), A, EV_THRESHOLD, 0, 0)
       CHOOSE(CAN_THRESHOLD(B), B, EV_THRESHOLD, 0, 0)
       ANSWERS(A)
       ANSWERS(B)
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
