import nodemailer from 'nodemailer';
import type { Mailer } from './response.service';

/** Escalation e-mail through a real SMTP server (nodemailer); the URL carries credentials. */
export function createSmtpMailer(opts: { url: string; from: string }): Mailer & { close(): void } {
  const transport = nodemailer.createTransport(opts.url);
  const send: Mailer = async (m) => {
    await transport.sendMail({ from: opts.from, to: m.to.join(', '), subject: m.subject, text: m.text, ...(m.attachments ? { attachments: m.attachments } : {}) });
  };
  return Object.assign(send, { close: () => transport.close() });
}
