// The lossy channel on its own, through a real actor.

import { describe, expect, test } from 'vitest';
import { createActor } from 'xstate';
import { channelMachine, type ChannelInput, type ChannelEmitted } from '../machines/channel.machine';
import type { Pdu } from '../machines/pdu';

const connect: Pdu = { kind: 'RTORQ', checkpointSize: 1, windowSize: 1, dialogueMode: 'twa', connectionData: { kind: 'open', connectionId: 1 }, initialTurn: 'initiator' };
const accept: Pdu = { kind: 'RTOAC', checkpointSize: 1, windowSize: 1, connectionData: { kind: 'open', connectionId: 1 }, initialTurn: 'initiator' };
const please: Pdu = { kind: 'PT', priority: 0 };
const give: Pdu = { kind: 'GTC' };

function startChannel(input: Partial<ChannelInput> = {}) {
  const channel = createActor(channelMachine, { input: { capacity: 4, maxLosses: 1, ...input } });
  const emitted: ChannelEmitted[] = [];
  channel.on('*', (event) => emitted.push(event));
  channel.start();
  return { channel, emitted, context: () => channel.getSnapshot().context };
}

/** A connects, B receives the RTORQ and answers: both are on connection 1. */
function connected(input: Partial<ChannelInput> = {}) {
  const setup = startChannel(input);
  setup.channel.send({ type: 'mta.send', from: 'A', pdu: connect });
  setup.channel.send({ type: 'net.deliver', to: 'B' });
  setup.channel.send({ type: 'mta.send', from: 'B', pdu: accept });
  setup.channel.send({ type: 'net.deliver', to: 'A' });
  setup.emitted.length = 0;
  return setup;
}

describe('channel', () => {
  test('a connect opens connection 1 and B joins it when the RTORQ arrives', () => {
    const { channel, emitted, context } = startChannel();
    expect(channel.getSnapshot().value).toBe('down');
    channel.send({ type: 'mta.send', from: 'A', pdu: connect });
    expect(channel.getSnapshot().value).toBe('up');
    expect(context().epochOf).toEqual({ A: 1, B: 0 });
    channel.send({ type: 'net.deliver', to: 'B' });
    expect(context().epochOf).toEqual({ A: 1, B: 1 });
    expect(emitted).toEqual([{ type: 'deliver', to: 'B', pdu: connect }]);
  });

  test('FIFO per direction', () => {
    const { channel, emitted } = connected();
    channel.send({ type: 'mta.send', from: 'A', pdu: please });
    channel.send({ type: 'mta.send', from: 'A', pdu: give });
    channel.send({ type: 'net.deliver', to: 'B' });
    channel.send({ type: 'net.deliver', to: 'B' });
    expect(emitted.map((event) => (event.type === 'deliver' ? event.pdu.kind : event.type))).toEqual(['PT', 'GTC']);
  });

  test('a loss drops everything in flight; each side learns of it separately; until then what it sends is lost', () => {
    const { channel, emitted, context } = connected();
    channel.send({ type: 'mta.send', from: 'A', pdu: give });
    channel.send({ type: 'net.lose' });
    expect(channel.getSnapshot().value).toBe('down');
    expect(context().toB).toEqual([]);
    expect(context().lossNoticePending).toEqual({ A: true, B: true });
    channel.send({ type: 'mta.send', from: 'B', pdu: please }); // B has not noticed yet
    expect(context().toA).toEqual([]);
    channel.send({ type: 'net.notice', to: 'A' });
    expect(emitted).toEqual([{ type: 'lossNoticed', to: 'A' }]);
    expect(context().lossNoticePending).toEqual({ A: false, B: true });
  });

  test('a side learns of the loss before anything sent on the new connection reaches it', () => {
    const { channel, emitted, context } = connected();
    channel.send({ type: 'net.lose' });
    channel.send({ type: 'net.notice', to: 'A' });
    channel.send({ type: 'mta.send', from: 'A', pdu: connect }); // recovery connect: connection 2
    expect(context().epoch).toBe(2);
    const before = channel.getSnapshot();
    channel.send({ type: 'net.deliver', to: 'B' });
    expect(channel.getSnapshot()).toBe(before); // blocked by B's pending loss notice
    channel.send({ type: 'net.notice', to: 'B' });
    channel.send({ type: 'net.deliver', to: 'B' });
    expect(emitted.map((event) => event.type)).toEqual(['lossNoticed', 'lossNoticed', 'deliver']);
  });

  test('a new connect drops what was in flight to the initiator, and B\'s sends are lost until B joins', () => {
    const { channel, context } = connected();
    channel.send({ type: 'mta.send', from: 'B', pdu: please });
    channel.send({ type: 'mta.send', from: 'A', pdu: connect }); // the threshold association
    expect(context().toA).toEqual([]);
    channel.send({ type: 'mta.send', from: 'B', pdu: please }); // B is still on connection 1
    expect(context().toA).toEqual([]);
    channel.send({ type: 'net.deliver', to: 'B' });
    channel.send({ type: 'mta.send', from: 'B', pdu: please });
    expect(context().toA).toEqual([please]);
  });

  test('RTAB ends the connection: it still arrives, what was in flight to its sender is gone, later sends are lost', () => {
    const { channel, emitted, context } = connected();
    channel.send({ type: 'mta.send', from: 'B', pdu: please });
    channel.send({ type: 'mta.send', from: 'A', pdu: { kind: 'RTAB', reason: 'protocolError' } });
    expect(channel.getSnapshot().value).toBe('down');
    expect(context().toA).toEqual([]);
    channel.send({ type: 'mta.send', from: 'B', pdu: please });
    expect(context().toA).toEqual([]);
    channel.send({ type: 'net.deliver', to: 'B' });
    expect(emitted).toEqual([{ type: 'deliver', to: 'B', pdu: { kind: 'RTAB', reason: 'protocolError' } }]);
  });

  test('the loss budget bounds the number of losses', () => {
    const { channel } = connected({ maxLosses: 0 });
    const before = channel.getSnapshot();
    channel.send({ type: 'net.lose' });
    expect(channel.getSnapshot()).toBe(before);
  });

  test('single-PDU loss, duplication and reordering are off by default', () => {
    const { channel } = connected();
    channel.send({ type: 'mta.send', from: 'A', pdu: please });
    channel.send({ type: 'mta.send', from: 'A', pdu: give });
    const before = channel.getSnapshot();
    for (const type of ['net.drop', 'net.duplicate', 'net.reorder'] as const) channel.send({ type, to: 'B' });
    expect(channel.getSnapshot()).toBe(before);
  });

  test('with the fault modes on, single PDUs are lost, duplicated and reordered', () => {
    const { channel, context } = connected({ singlePduLoss: true, duplication: true, reordering: true });
    channel.send({ type: 'mta.send', from: 'A', pdu: please });
    channel.send({ type: 'mta.send', from: 'A', pdu: give });
    channel.send({ type: 'net.reorder', to: 'B' });
    expect(context().toB).toEqual([give, please]);
    channel.send({ type: 'net.duplicate', to: 'B' });
    expect(context().toB).toEqual([give, give, please]);
    channel.send({ type: 'net.drop', to: 'B' });
    expect(context().toB).toEqual([give, please]);
  });

  test('reaching the capacity is a modelling error, not a silent drop', () => {
    const { channel } = connected({ capacity: 2 });
    for (let i = 0; i < 3; i++) channel.send({ type: 'mta.send', from: 'A', pdu: please });
    expect(channel.getSnapshot().value).toBe('overflowed');
    expect(channel.getSnapshot().hasTag('modelError')).toBe(true);
  });

  test.each([
    [{ capacity: 0, maxLosses: 1 }, /capacity/],
    [{ capacity: 4, maxLosses: -1 }, /maxLosses/],
    [{ capacity: 4, maxLosses: 1, duplication: 'yes' }, /duplication/],
  ])('bad input %j fails naming the field', (input, field) => {
    const channel = createActor(channelMachine, { input: input as ChannelInput });
    channel.subscribe({ error: () => {} });
    channel.start();
    const snapshot = channel.getSnapshot();
    expect(snapshot.status).toBe('error');
    expect(String((snapshot as { error?: Error }).error?.message)).toMatch(field);
  });
});
