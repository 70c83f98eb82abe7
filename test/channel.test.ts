// The lossy channel on its own, through a real actor.

import { describe, expect, test } from 'vitest';
import { createActor } from 'xstate';
import { channelMachine, type ChannelInput, type ChannelEmitted } from '../machines/channel.machine';
import type { Pdu } from '../machines/pdu';

const connect: Pdu = { kind: 'RTORQ', checkpointSize: 1, windowSize: 1, dialogueMode: 'twa', connectionData: { kind: 'open', connectionId: 1 }, initialTurn: 'caller' };
const accept: Pdu = { kind: 'RTOAC', checkpointSize: 1, windowSize: 1, connectionData: { kind: 'open', connectionId: 1 }, initialTurn: 'caller' };
const recover: Pdu = { ...connect, connectionData: { kind: 'recover', connectionId: 1 } } as Pdu;
const please: Pdu = { kind: 'PT', priority: 0 };
const give: Pdu = { kind: 'GTC' };

function startChannel(input: Partial<ChannelInput> = {}) {
  const channel = createActor(channelMachine, { input: { capacity: 4, maxLosses: 1, ...input } });
  const emitted: ChannelEmitted[] = [];
  channel.on('*', (event) => emitted.push(event));
  channel.start();
  return { channel, emitted, context: () => channel.getSnapshot().context };
}

/** A connects, B receives the RTORQ and answers: both are on the connection. */
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
  test('a connect opens a connection and the other side joins it when the RTORQ arrives; either side may connect', () => {
    for (const [from, to] of [['A', 'B'], ['B', 'A']] as const) {
      const { channel, emitted, context } = startChannel();
      expect(channel.getSnapshot().value).toBe('down');
      channel.send({ type: 'mta.send', from, pdu: connect });
      expect(channel.getSnapshot().value).toBe('up');
      expect(context().joined).toEqual({ [from]: true, [to]: false });
      channel.send({ type: 'net.deliver', to });
      expect(context().joined).toEqual({ A: true, B: true });
      expect(emitted).toEqual([{ type: 'deliver', to, pdu: connect }]);
    }
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

  test('half-open: a connect may reach a side before it saw its old connection lost; it joins, and is never told of the old loss', () => {
    const { channel, emitted, context } = connected();
    channel.send({ type: 'net.lose' });
    channel.send({ type: 'net.notice', to: 'A' });
    channel.send({ type: 'mta.send', from: 'A', pdu: recover });
    expect(context().lossNoticePending).toEqual({ A: false, B: true });
    channel.send({ type: 'net.deliver', to: 'B' });
    expect(context().lossNoticePending).toEqual({ A: false, B: false });
    expect(context().joined).toEqual({ A: true, B: true });
    expect(emitted.map((event) => event.type)).toEqual(['lossNoticed', 'deliver']);
  });

  test('a side learns of a loss before anything but a connect reaches it', () => {
    // Only a reordering fault can put something before the connect on the new connection.
    const { channel, emitted, context } = connected({ faults: ['reorder'] });
    channel.send({ type: 'net.lose' });
    channel.send({ type: 'net.notice', to: 'B' });
    channel.send({ type: 'mta.send', from: 'B', pdu: recover });
    channel.send({ type: 'mta.send', from: 'B', pdu: please });
    channel.send({ type: 'net.reorder', to: 'A' });
    expect(context().toA).toEqual([please, recover]);
    const before = channel.getSnapshot();
    channel.send({ type: 'net.deliver', to: 'A' });
    expect(channel.getSnapshot()).toBe(before); // blocked by A's pending loss notice
    channel.send({ type: 'net.notice', to: 'A' });
    channel.send({ type: 'net.deliver', to: 'A' });
    expect(emitted.map((event) => event.type)).toEqual(['lossNoticed', 'lossNoticed', 'deliver']);
  });

  test('two connects cross: the later one wins, and the side whose connect was dropped stays on the new connection', () => {
    const { channel, context } = startChannel();
    channel.send({ type: 'mta.send', from: 'A', pdu: connect });
    channel.send({ type: 'mta.send', from: 'B', pdu: recover });
    expect(context().toB).toEqual([]); // A's connect is gone
    expect(context().toA).toEqual([recover]);
    expect(context().joined).toEqual({ A: true, B: true });
  });

  test('a disconnect ends the connection without a loss: everything in flight is gone and the peer learns of it', () => {
    const { channel, emitted, context } = connected();
    channel.send({ type: 'mta.send', from: 'B', pdu: please });
    channel.send({ type: 'mta.send', from: 'A', pdu: give });
    channel.send({ type: 'mta.disconnect', from: 'A' });
    expect(channel.getSnapshot().value).toBe('down');
    expect([context().toA, context().toB, context().losses]).toEqual([[], [], 0]);
    expect(context().lossNoticePending).toEqual({ A: false, B: true });
    channel.send({ type: 'net.notice', to: 'B' });
    expect(emitted).toEqual([{ type: 'lossNoticed', to: 'B' }]);
  });

  test('a new connect drops what was in flight to its sender, and the other side\'s sends are lost until it joins', () => {
    const { channel, context } = connected();
    channel.send({ type: 'mta.send', from: 'B', pdu: please });
    channel.send({ type: 'mta.send', from: 'A', pdu: connect }); // the threshold association
    expect(context().toA).toEqual([]);
    channel.send({ type: 'mta.send', from: 'B', pdu: please }); // B is still on the old connection
    expect(context().toA).toEqual([]);
    channel.send({ type: 'net.deliver', to: 'B' });
    channel.send({ type: 'mta.send', from: 'B', pdu: please });
    expect(context().toA).toEqual([please]);
  });

  test('RTORJ ends the connection: it still arrives, what was in flight to its sender is gone, later sends are lost', () => {
    const refuse: Pdu = { kind: 'RTORJ', reason: 'cannotRecover' };
    const { channel, emitted, context } = startChannel();
    channel.send({ type: 'mta.send', from: 'A', pdu: recover });
    channel.send({ type: 'net.deliver', to: 'B' });
    emitted.length = 0;
    channel.send({ type: 'mta.send', from: 'A', pdu: please }); // stale
    channel.send({ type: 'mta.send', from: 'B', pdu: refuse });
    expect(channel.getSnapshot().value).toBe('down');
    expect(context().toB).toEqual([]);
    channel.send({ type: 'mta.send', from: 'B', pdu: please });
    expect(context().toA).toEqual([refuse]);
    channel.send({ type: 'net.deliver', to: 'A' });
    expect(emitted).toEqual([{ type: 'deliver', to: 'A', pdu: refuse }]);
  });

  test('the loss budget bounds the number of losses', () => {
    const { channel } = connected({ maxLosses: 0 });
    const before = channel.getSnapshot();
    channel.send({ type: 'net.lose' });
    expect(channel.getSnapshot()).toBe(before);
  });

  test('single-PDU drop, duplication and reordering are off by default', () => {
    const { channel } = connected();
    channel.send({ type: 'mta.send', from: 'A', pdu: please });
    channel.send({ type: 'mta.send', from: 'A', pdu: give });
    const before = channel.getSnapshot();
    for (const type of ['net.drop', 'net.duplicate', 'net.reorder'] as const) channel.send({ type, to: 'B' });
    expect(channel.getSnapshot()).toBe(before);
  });

  test('with the faults on, single PDUs are dropped, duplicated and reordered, up to maxFaults in all', () => {
    const { channel, context } = connected({ faults: ['drop', 'duplicate', 'reorder'], maxFaults: 3 });
    channel.send({ type: 'mta.send', from: 'A', pdu: please });
    channel.send({ type: 'mta.send', from: 'A', pdu: give });
    channel.send({ type: 'net.reorder', to: 'B' });
    expect(context().toB).toEqual([give, please]);
    channel.send({ type: 'net.duplicate', to: 'B' });
    expect(context().toB).toEqual([give, give, please]);
    channel.send({ type: 'net.drop', to: 'B' });
    expect(context().toB).toEqual([give, please]);
    expect(context().faults).toBe(3);
    const before = channel.getSnapshot();
    channel.send({ type: 'net.drop', to: 'B' });
    expect(channel.getSnapshot()).toBe(before);
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
    [{ capacity: 4, maxLosses: 1, faults: ['duplication'] }, /faults/],
    [{ capacity: 4, maxLosses: 1, faults: ['drop'], maxFaults: -1 }, /maxFaults/],
  ])('bad input %j fails naming the field', (input, field) => {
    const channel = createActor(channelMachine, { input: input as ChannelInput });
    channel.subscribe({ error: () => {} });
    channel.start();
    const snapshot = channel.getSnapshot();
    expect(snapshot.status).toBe('error');
    expect(String((snapshot as { error?: Error }).error?.message)).toMatch(field);
  });
});
