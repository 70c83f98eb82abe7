// What an MTA is told when it starts: its role in the association and its configuration.
// Validated up front so that a bad configuration fails at once, naming the field, instead of
// producing a model that silently explores something else.

import type { DialogueMode } from './pdu';

export type Role = 'initiator' | 'responder';

export interface MtaInput {
  /**
   * The association initiator opens every new association; the responder accepts them. Who
   * recovers a lost association is decided per association (the MTA with mail to send), not here.
   */
  readonly role: Role;
  /**
   * The checkpoint size (KB) this MTA proposes in every connect it sends, fresh or recovering;
   * 0 lets the acceptor choose (ISODE answers its own size). What it accepts as an acceptor is
   * computed per connection from its local limit; an agreed 0 means no checkpointing.
   */
  readonly checkpointSize: number;
  /** The window this MTA proposes in every connect it sends. */
  readonly windowSize: number;
  /** The mode this MTA proposes, and the only mode it accepts. */
  readonly dialogueMode: DialogueMode;
  /** Queued messages at which the initiator opens a new association (Exchange default 50). */
  readonly messageThreshold: number;
  /** Recovery connects this MTA tries after a loss before it waits for the recovery timeout. */
  readonly recoveryAttempts: number;
  /** Size of each message this MTA sends, in KB: it is cut into segments of the agreed checkpoint size. */
  readonly messageSize: number;
  /** Threshold associations this MTA may open in a run (no endless ping-pong). */
  readonly maxThresholdAssociations: number;
  /** Times this MTA may repeat a Turn-Please before it gets the Turn. */
  readonly turnPleaseRepeats: number;
  /** Times this MTA may give the Turn unasked on one connection. */
  readonly unaskedGivesPerConnection: number;
}

export class InvalidInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

function requireInteger(input: Record<string, unknown>, field: keyof MtaInput, min: number, who: string): void {
  const value = input[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidInputError(
      field,
      `${who} input: ${field} must be an integer >= ${min} (got ${JSON.stringify(value)})`,
    );
  }
}

function requireOneOf(input: Record<string, unknown>, field: keyof MtaInput, allowed: readonly string[], who: string): void {
  const value = input[field];
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new InvalidInputError(
      field,
      `${who} input: ${field} must be one of ${allowed.join(' | ')} (got ${JSON.stringify(value)})`,
    );
  }
}

/** Returns the input unchanged when it is valid; throws an InvalidInputError naming the field otherwise. */
export function validateMtaInput(input: unknown): MtaInput {
  const who = 'mta';
  if (typeof input !== 'object' || input === null) {
    throw new InvalidInputError('input', `${who} input: expected an object with role, checkpointSize, windowSize, ... (got ${JSON.stringify(input)})`);
  }
  const record = input as Record<string, unknown>;
  requireOneOf(record, 'role', ['initiator', 'responder'], who);
  requireInteger(record, 'checkpointSize', 0, who);
  requireInteger(record, 'windowSize', 1, who);
  requireOneOf(record, 'dialogueMode', ['monologue', 'twa'], who);
  requireInteger(record, 'messageThreshold', 1, who);
  requireInteger(record, 'recoveryAttempts', 1, who);
  requireInteger(record, 'messageSize', 1, who);
  requireInteger(record, 'maxThresholdAssociations', 0, who);
  requireInteger(record, 'turnPleaseRepeats', 0, who);
  requireInteger(record, 'unaskedGivesPerConnection', 0, who);
  return record as unknown as MtaInput;
}
