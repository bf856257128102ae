import { devicePrefix, parseTopic, type ParsedTopic, type TopicChannel } from '@shelfwatch/contracts';
import { sameSecret } from '@shelfwatch/service-kit';
import type { StoreContext } from '../../store-context.js';

export type MqttDeviceKind = 'camera' | 'probe';

/** Channels each kind of device may publish on. */
export const ALLOWED_CHANNELS: Record<MqttDeviceKind, readonly TopicChannel[]> = {
  probe: ['probe', 'status'],
  camera: ['scan', 'status'],
};

export function mqttDeviceKind(store: StoreContext, deviceId: string): MqttDeviceKind | null {
  if (store.cameras.has(deviceId)) return 'camera';
  if (store.probes.has(deviceId)) return 'probe';
  return null;
}

/** The device id when username/password are a known MQTT device's credentials, else null. */
export function authenticateDevice(store: StoreContext, username: string | undefined, password: Buffer | string | undefined): string | null {
  if (username === undefined || password === undefined) return null;
  const cred = store.credentials[username];
  if (!cred || mqttDeviceKind(store, username) === null) return null;
  return sameSecret(typeof password === 'string' ? password : password.toString('utf8'), cred.password) ? username : null;
}

export type TopicDecision = { ok: true; topic: ParsedTopic; kind: MqttDeviceKind } | { ok: false; reason: 'bad_topic' | 'foreign_topic' | 'channel_not_allowed' | 'unknown_device'; detail: string };

/** May this device publish on this topic? Only under its own prefix, only its kind's channels. */
export function authorizeTopic(store: StoreContext, deviceId: string, topic: string): TopicDecision {
  const parsed = parseTopic(topic);
  if (!parsed) return { ok: false, reason: 'bad_topic', detail: `'${topic}' is not a device topic` };
  if (parsed.storeId !== store.storeId || parsed.deviceId !== deviceId) {
    return { ok: false, reason: 'foreign_topic', detail: `device '${deviceId}' may publish only under ${devicePrefix(store.storeId, deviceId)}` };
  }
  const kind = mqttDeviceKind(store, deviceId);
  if (!kind) return { ok: false, reason: 'unknown_device', detail: `'${deviceId}' is not an MQTT device of this store` };
  if (!ALLOWED_CHANNELS[kind].includes(parsed.channel)) {
    return { ok: false, reason: 'channel_not_allowed', detail: `a ${kind} may not publish on '${parsed.channel}'` };
  }
  return { ok: true, topic: parsed, kind };
}

/** Devices may subscribe only below their own prefix (e.g. for commands), never to others' data. */
export function authorizeSubscription(store: StoreContext, deviceId: string, topicFilter: string): boolean {
  const prefix = devicePrefix(store.storeId, deviceId);
  return topicFilter.startsWith(prefix) && !topicFilter.slice(0, prefix.length).includes('+');
}

/**
 * A device's MQTT client id is its device id, or `<deviceId>:<suffix>` for a second
 * connection. Device ids never contain ':', so no device can take another's client id:
 * the broker would otherwise disconnect the other device and publish its last will.
 */
export function clientIdBelongsTo(deviceId: string, clientId: string): boolean {
  return clientId === deviceId || (clientId.startsWith(`${deviceId}:`) && clientId.length <= deviceId.length + 1 + 40);
}
