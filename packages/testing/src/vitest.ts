// Helpers that register vitest hooks: a subpath of their own (@vigia/testing/vitest), so code
// that is not a test file can import @vigia/testing without vitest.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startHttpReceiver, type HttpReceiver, type Responder } from './http-receiver.ts';

/**
 * One HTTP receiver for the calling test file: started before its tests, closed after them, and
 * before each test emptied and given the responder `fresh` makes (a scripted service starting
 * over). Read it only inside hooks and tests: it does not exist before the file's first hook.
 */
export function httpReceiverPerFile(fresh: () => Responder = () => () => 200): HttpReceiver {
  let receiver: HttpReceiver | undefined;
  const current = (): HttpReceiver => {
    if (!receiver) throw new Error('the receiver starts in beforeAll: use it inside hooks and tests');
    return receiver;
  };
  beforeAll(async () => {
    receiver = await startHttpReceiver(fresh());
  });
  afterAll(() => receiver?.close());
  beforeEach(() => {
    current().requests.length = 0;
    current().setResponder(fresh());
  });
  return new Proxy({} as HttpReceiver, {
    get(_, key) {
      const value: unknown = Reflect.get(current(), key);
      return typeof value === 'function' ? value.bind(current()) : value;
    },
  });
}
