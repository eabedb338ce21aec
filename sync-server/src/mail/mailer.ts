// Outgoing email. Over SMTP when configured; otherwise, outside production, the message's link is printed in
// the server log so that `npm start` works alone (that line is the only place a token is ever logged, and it
// says it is for development); in production without SMTP nothing is sent and nothing secret is logged.
import { createTransport, type SMTPTransportOptions } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The one link the message exists for (what the development log prints). */
  link: string;
}

export interface Mailer {
  /** `smtp` when mail really goes out (reported by /health). */
  kind: 'smtp' | 'development-log' | 'off';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export function smtpMailer(transport: SMTPTransportOptions | string, from: string): Mailer {
  const transporter = createTransport(transport, { from });
  return {
    kind: 'smtp',
    async send({ to, subject, text }) {
      await transporter.sendMail({ to, subject, text });
    },
    close: () => transporter.close(),
  };
}

export function developmentLogMailer(log: (line: string) => void): Mailer {
  return {
    kind: 'development-log',
    async send({ to, subject, link }) {
      log(`[development only] No SMTP server is configured, so the email "${subject}" to ${to} was not sent. Its link: ${link}`);
    },
    close() {},
  };
}

export function disabledMailer(log: (line: string) => void): Mailer {
  return {
    kind: 'off',
    async send({ subject }) {
      log(`Email is not configured (SMTP_URL or SMTP_HOST, and MAIL_FROM): the email "${subject}" was not sent.`);
    },
    close() {},
  };
}
