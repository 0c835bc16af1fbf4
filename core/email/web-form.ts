// Web-form notifications: a site (Tilda, WordPress, Bitrix, a hand-made form) mails
// "Name: ... / Phone: ... / Message: ..." lines. Those fields are the customer, not the sender.
import { isRobotSender } from './senders.js';
import { cleanBody } from './clean-body.js';
import type { FormFields, ParsedEmail } from './types.js';

type Field = keyof FormFields;

const LABELS: Array<[Field, RegExp]> = [
  [
    'name',
    /^(name|full name|your name|first name|first and last name|contact name|contact person|contact|client|customer|имя|ваше имя|фио|ф\.и\.о\.?|имя и фамилия|контактное лицо|як вас звати|ім'я|vorname|nachname|ihr name|nom|prénom|votre nom|nombre|su nombre|nombre completo|imię|imię i nazwisko|nazwisko|naam|nome)$/iu,
  ],
  [
    'phone',
    /^(phone|phone number|your phone|tel|tel\.|telephone|telephone number|mobile|mobile phone|mobile number|cell|cell phone|whatsapp|contact number|телефон|ваш телефон|номер телефона|контактный телефон|тел\.?|моб\.? ?телефон|мобильный|мобильный телефон|телефон для связи|номер|telefon|telefonnummer|ihre telefonnummer|handy|téléphone|votre téléphone|portable|teléfono|su teléfono|móvil|celular|numer telefonu|nr telefonu|telefoon|telefono)$/iu,
  ],
  [
    'email',
    /^(e-?mail|your e-?mail|email address|e-?mail address|почта|ваша почта|эл\.? ?почта|электронная почта|e-?mail адрес|адрес почты|ваш e-?mail|ihre e-?mail|e-?mail-adresse|adresse e-?mail|votre e-?mail|correo|correo electrónico|su correo|adres e-?mail)$/iu,
  ],
  [
    'company',
    /^(company|company name|organization|organisation|business|business name|компания|организация|название компании|фирма|название организации|firma|unternehmen|société|entreprise|empresa|compañía|nazwa firmy|bedrijf|azienda)$/iu,
  ],
  [
    'message',
    /^(message|your message|message body|comment|comments|question|details|inquiry|enquiry|request|text|textarea|сообщение|ваше сообщение|комментарий|вопрос|текст|текст сообщения|запрос|заявка|nachricht|ihre nachricht|kommentar|anfrage|votre message|commentaire|mensaje|su mensaje|comentario|consulta|wiadomość|treść wiadomości|pytanie|bericht|messaggio)$/iu,
  ],
];

/** Question-style labels (Typeform, Google Forms: "What's your phone number?"): the field by its key word. */
const QUESTION_LABELS: Array<[Field, RegExp]> = [
  ['email', /\b(e-?mail|почт|correo)/iu],
  ['phone', /(phone|телефон|telefon|teléfono|téléphone|whatsapp)/iu],
  ['company', /(company|компани|организаци|firma|empresa|entreprise)/iu],
  ['name', /(\bname\b|имя|зовут|nombre|\bnom\b|imię)/iu],
  ['message', /(message|comment|question|сообщени|комментари|вопрос|nachricht|mensaje)/iu],
];

/** Which customer field a form label names (en/ru/de/fr/es/pl/...), or null; also used for the names of posted web-form fields (core/forms). */
export function fieldOf(label: string): Field | null {
  const l = label
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/^[*•\-\s]+|[*\s]+$/g, '');
  for (const [field, re] of LABELS) if (re.test(l)) return field;
  if (/\?$/.test(l) && l.length <= 60) for (const [field, re] of QUESTION_LABELS) if (re.test(l)) return field;
  return null;
}

// "Label: value", "Label - value", or html-to-text tables ("LABEL   value")
const LINE = /^\s*[*•-]?\s*([\p{L}][\p{L}\d '’.\-/]{0,58}?\??)\s*(?::|\s-\s|\t+|\s{3,})\s*(.*)$/u;
/** Contact Form 7's default body: "From: Name <address>" */
const FROM_LINE = /^\s*(from|от|von|de)\s*:\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/iu;

export interface FormParse {
  fields: FormFields;
  /** index (among non-empty lines) of the first field line */
  firstFieldLine: number;
  count: number;
}

/** `robot`: the message comes from a form robot, so Contact Form 7's "From: Name <address>" line is the customer (in a person's mail it is a forwarded header). */
export function parseFormFields(text: string, robot = false): FormParse {
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
    const from = robot ? FROM_LINE.exec(line) : null;
    if (from && fields.email === undefined) {
      if (firstFieldLine < 0) firstFieldLine = nonEmpty;
      fields.email = from[3]!;
      count++;
      if (from[2] && fields.name === undefined) {
        fields.name = from[2].replace(/^["']|["']$/g, '');
        count++;
      }
      current = null;
      continue;
    }
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
 * The form fields when this message is a form notification: a way to reach the customer (phone
 * or e-mail field) and either a form builder's robot as sender, or at least two fields right at
 * the top of a person's message (a person's signature with "Phone:" at the bottom is not a form).
 * A robot's notification with just a phone is a form too: "call me back" forms send nothing else.
 */
export function detectWebForm(parsed: ParsedEmail): { reason: string; fields: FormFields } | null {
  const robot = isRobotSender(parsed.from?.address);
  // from a person, only what they wrote counts: "Phone:" in their signature is not a form
  const form = parseFormFields(robot ? parsed.text : cleanBody(parsed.text).text, robot);
  const { fields } = form;
  if (!(fields.phone || fields.email)) return null;
  if (robot) {
    // the fields of a notification come first, not in its footer
    if (form.firstFieldLine < 0 || form.firstFieldLine > 15) return null;
  } else {
    if (form.count < 2 || !(fields.name || fields.message || (fields.phone && fields.email))) return null;
    if (form.firstFieldLine < 0 || form.firstFieldLine > 2) return null;
  }
  const names = (Object.keys(fields) as Field[]).filter((k) => fields[k]);
  return { reason: `web-form notification (fields: ${names.join(', ')}${robot ? `; sent by ${parsed.from?.address}` : ''})`, fields };
}
