import { describe, expect, it } from 'vitest';
import { defineNotifier, jsonPreview, type Notifier } from '@vigia/plugin-sdk';
import { previewChannelMessage, sampleAlertNotification, withPreviewLinks } from '../src/index.ts';

const VIGIA = 'https://vigia.example.com';
const sample = withPreviewLinks(sampleAlertNotification('chat', VIGIA, Date.parse('2026-12-01T10:00:00Z')));

// A careless plugin: it echoes its whole config, token included, into the preview.
const echoing = defineNotifier<Record<string, unknown>>({
  name: 'echo',
  secrets: ['token'],
  preview: (n, config) => jsonPreview({ config, rule: n.rule, message: n.message, ack: n.links.acknowledge }, `to ${String(config.token)}`),
  send: () => Promise.resolve(),
}) as Notifier<unknown>;

describe('channel message preview', () => {
  it('gives the plugin’s payload with the template rendered into it and every secret value masked', () => {
    const preview = previewChannelMessage('chat', { type: 'echo', token: 'super-secret-token', api_key: 'key-0123456789', template: '{{ severity }}: {{ rule }}' }, echoing, sample);
    expect(preview.message).toBe('critical: Sample: CPU usage high');
    expect(preview.rendered).toMatchObject({ format: 'json', title: 'to ***' });
    const body = JSON.parse(preview.rendered!.body) as { config: Record<string, unknown>; message: string; ack: string };
    expect(body.config).toEqual({ token: '***', api_key: '***' }); // type and template are the host's, not the plugin's
    expect(body.message).toBe('critical: Sample: CPU usage high');
    // A stand-in, never a working signed link.
    expect(body.ack).toBe(`${VIGIA}/act/signed-per-recipient`);
  });

  it('falls back to the template and fields for a plugin without preview, or none installed', () => {
    const plain = defineNotifier({ name: 'plain', send: () => Promise.resolve() }) as Notifier<unknown>;
    expect(previewChannelMessage('chat', { type: 'plain' }, plain, sample)).toEqual({ template: null, message: null, rendered: null, renderError: null });
    expect(previewChannelMessage('chat', { type: 'gone', template: '{{ rule }}' }, undefined, sample)).toMatchObject({ message: 'Sample: CPU usage high', rendered: null });
  });

  it('says which setting is wrong, without its value, when the plugin’s schema refuses the channel', () => {
    const strict = defineNotifier<Record<string, unknown>>({
      ...echoing,
      // Just the part of a zod schema the host calls.
      configSchema: { safeParse: () => ({ success: false, error: { issues: [{ code: 'custom', path: ['url'], message: 'must be an http(s) URL' }] } }) } as never,
    }) as Notifier<unknown>;
    const preview = previewChannelMessage('chat', { url: 'ftp://secret@host' }, strict, sample);
    expect(preview).toMatchObject({ rendered: null, renderError: 'channels.chat.url: must be an http(s) URL' });
  });

  it('offers no action links on a message about a resolved alert', () => {
    const resolved = withPreviewLinks({ ...sampleAlertNotification('chat', VIGIA, 0), reason: 'resolved', status: 'resolved' });
    expect(resolved.links.acknowledge).toBeUndefined();
  });
});
