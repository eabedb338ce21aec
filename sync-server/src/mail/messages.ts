// The emails the server sends, in plain words. Tokens travel in the link's fragment (`#…`), which browsers
// never send to a server, so they stay out of access logs and proxies.
import type { MailMessage } from './mailer.ts';

export function verificationMail(to: string, publicUrl: string, token: string, validHours: number): MailMessage {
  const link = `${publicUrl.replace(/\/+$/, '')}/#verify-email=${token}`;
  return {
    to,
    subject: 'Confirm your email for Heimdex',
    link,
    text: [
      'Open this link to confirm that this email address belongs to your Heimdex account:',
      '',
      link,
      '',
      `The link works once, for ${validHours} hours. If you did not create an account, ignore this email.`,
    ].join('\n'),
  };
}

export function passwordResetMail(to: string, publicUrl: string, token: string, validMinutes: number): MailMessage {
  const link = `${publicUrl.replace(/\/+$/, '')}/#reset-password=${token}`;
  return {
    to,
    subject: 'Choose a new Heimdex password',
    link,
    text: [
      'Someone asked to reset the password of the Heimdex account with this email address.',
      'If it was you, open this link to choose a new password:',
      '',
      link,
      '',
      `The link works once, for ${validMinutes} minutes, and signs out every device. If it was not you, ignore this email: your password stays as it is.`,
    ].join('\n'),
  };
}
