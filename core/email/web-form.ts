// Web-form notifications: a site (Tilda, WordPress, Bitrix, a hand-made form) mails
// "Name: ... / Phone: ... / Message: ..." lines. Those fields are the customer, not the sender.
import { isRobotSender } from './senders.js';
import { cleanBody } from './clean-body.js';
import type { FormFields, ParsedEmail } from './types.js';

type Field = keyof FormFields;

const LABELS: Array<[Field, RegExp]> = [
  ['name', /^(name|full name|your name|first name|contact name|contact|имя|ваше имя|фио|ф\.и\.о\.?|имя и фамилия|контактное лицо)$/i],
  [
    'phone',
    /^(phone|phone number|your phone|tel|tel\.|telephone|mobile|mobile phone|cell|whatsapp|телефон|ваш телефон|номер телефона|тел\.?|моб\.? ?телефон|мобильный|мобильный телефон)$/i,
  ],
  ['email', /^(e-?mail|your e-?mail|email address|e-?mail address|почта|ваша почта|эл\.? ?почта|электронная почта|e-?mail адрес|адрес почты)$/i],
  ['company', /^(company|company name|organization|organisation|business|компания|организация|название компании|фирма)$/i],
  [
    'message',
    /^(message|your message|comment|comments|question|details|inquiry|enquiry|request|text|сообщение|ваше сообщение|комментарий|вопрос|текст|текст сообщения|запрос|заявка)$/i,
  ],
];

function fieldOf(label: string): Field | null {
  const l = label
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/^[*•\-\s]+|[*\s]+$/g, '');
  for (const [field, re] of LABELS) if (re.test(l)) return field;
  return null;
}

// "Label: value", "Label - value", or html-to-text tables ("LABEL   value")
const LINE = /^\s*[*•-]?\s*([\p{L}][\p{L} .\-/]{0,30}?)\s*(?::|\s-\s|\t+|\s{3,})\s*(.*)$/u;

export interface FormParse {
  fields: FormFields;
  /** index (among non-empty lines) of the first field line */
  firstFieldLine: number;
  count: number;
}

export function parseFormFields(text: string): FormParse {
  const fields: FormFields = {};
  const lines = text.split('\n');
  let firstFieldLine = -1;
  let count = 0;
  let nonEmpty = -1;
  let current: Field | null = null;
  for (const line of lines.slice(0, 200)) {
    // a signature or the form tool's footer ends the fields
    if (/^--\s*$/.test(line)) break;
    if (line.trim()) nonEmpty++;
    const m = LINE.exec(line);
    const field = m ? fieldOf(m[1]!) : null;
    if (m && field) {
      if (firstFieldLine < 0) firstFieldLine = nonEmpty;
      const value = m[2]!.trim();
      if (fields[field] === undefined) count++;
      if (value) fields[field] = fields[field] && field === 'message' ? `${fields[field]}\n${value}` : (fields[field] ?? value);
      current = field === 'message' ? field : null;
      continue;
    }
    // a multi-line message continues until the next field
    if (current === 'message' && line.trim()) {
      fields.message = fields.message ? `${fields.message}\n${line.trim()}` : line.trim();
    } else if (!line.trim() && current === 'message' && fields.message) {
      fields.message += '\n';
    }
  }
  if (fields.message) fields.message = fields.message.trim();
  return { fields, firstFieldLine, count };
}

/**
 * The form fields when this message is a form notification: at least two known fields, one of
 * them a way to reach the customer, either from a robot/no-reply sender or right at the top of
 * the body (a person's signature with "Phone:" at the bottom is not a form).
 */
export function detectWebForm(parsed: ParsedEmail): { reason: string; fields: FormFields } | null {
  const robot = isRobotSender(parsed.from?.address);
  // from a person, only what they wrote counts: "Phone:" in their signature is not a form
  const form = parseFormFields(robot ? parsed.text : cleanBody(parsed.text).text);
  const { fields } = form;
  if (form.count < 2 || !(fields.phone || fields.email)) return null;
  if (!(fields.name || fields.message || (fields.phone && fields.email))) return null;
  if (!robot && (form.firstFieldLine < 0 || form.firstFieldLine > 2)) return null;
  const names = (Object.keys(fields) as Field[]).filter((k) => fields[k]);
  return { reason: `web-form notification (fields: ${names.join(', ')}${robot ? `; sent by ${parsed.from?.address}` : ''})`, fields };
}
