// Chooses the mailer the configuration asks for (see mailer.ts for the three kinds).
import type { Config } from '../config.ts';
import { developmentLogMailer, disabledMailer, smtpMailer, type Mailer } from './mailer.ts';

export function mailerFromConfig(config: Config, log: (line: string) => void): Mailer {
  const from = config.MAIL_FROM!; // required with SMTP by the configuration schema
  if (config.SMTP_URL) return smtpMailer(config.SMTP_URL, from);
  if (config.SMTP_HOST) {
    const auth = config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASS ?? '' } : undefined;
    return smtpMailer({ host: config.SMTP_HOST, port: config.SMTP_PORT, secure: config.SMTP_SECURE, ...(auth ? { auth } : {}) }, from);
  }
  return config.NODE_ENV === 'production' ? disabledMailer(log) : developmentLogMailer(log);
}
