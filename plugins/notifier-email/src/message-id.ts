/**
 * Message-ID local parts may only hold RFC 5322 atext; anything else is percent-encoded ('%' is
 * atext), which keeps distinct notification ids distinct.
 */
function atext(id: string): string {
  return Array.from(id, (ch) => (/[A-Za-z0-9_-]/.test(ch) ? ch : Array.from(Buffer.from(ch, 'utf8'), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''))).join('');
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1) || 'vigia.invalid';

/**
 * Derived from the notification id, so every retry of one notification carries the same
 * Message-ID and mail systems that deduplicate on it keep a single copy.
 */
export const notificationMessageId = (notificationId: string, from: string) => `<vigia.${atext(notificationId)}@${domainOf(from)}>`;

/**
 * A shared References value for every mail of one episode, so clients that thread by references
 * file firing, reminders and resolved under one conversation.
 */
export const episodeThreadId = (episodeId: string, from: string) => `<vigia.episode.${atext(episodeId)}@${domainOf(from)}>`;
