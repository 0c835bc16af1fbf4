// Recognises the columns of a contact spreadsheet by their header names, in English and
// Russian, case-insensitive, ignoring spaces and punctuation ("E-mail", "Full name",
// "Электронная почта", "Моб. телефон", ...).

export type ImportField = 'name' | 'firstName' | 'lastName' | 'middleName' | 'email' | 'phone' | 'company' | 'position' | 'notes' | 'tags';

export interface HeaderColumn {
  index: number;
  header: string;
  field: ImportField | null;
  /** a second column of a single-valued field: dropped (never a custom field) */
  duplicate?: boolean;
}

export interface HeaderMap {
  columns: HeaderColumn[];
  /** headers that matched nothing (kept as custom fields or tags, or dropped: ImportOptions.unknownColumns) */
  ignored: string[];
  /** true when some column can identify a person (a name, an email or a phone) */
  identifying: boolean;
}

/** "Электронная почта (E-mail)" -> "электроннаяпочтаemail": lower case, ё -> е, letters and digits only. */
export function normalizeHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

const EXACT: Record<string, ImportField> = {};
function synonyms(field: ImportField, words: string[]) {
  for (const w of words) EXACT[normalizeHeader(w)] = field;
}
synonyms('name', [
  'name',
  'full name',
  'fullname',
  'contact',
  'contact name',
  'contact person',
  'person',
  'client',
  'client name',
  'customer',
  'customer name',
  'display name',
  'фио',
  'ф.и.о.',
  'полное имя',
  'имя и фамилия',
  'фамилия имя',
  'фамилия имя отчество',
  'контакт',
  'контактное лицо',
  'клиент',
  'имя клиента',
  'название контакта',
]);
synonyms('firstName', ['first name', 'firstname', 'first', 'given name', 'forename']);
synonyms('lastName', ['last name', 'lastname', 'last', 'surname', 'family name', 'фамилия']);
synonyms('middleName', ['middle name', 'middlename', 'patronymic', 'отчество']);
synonyms('email', [
  'email',
  'e-mail',
  'email address',
  'e-mail address',
  'mail',
  'emails',
  'work email',
  'personal email',
  'почта',
  'эл. почта',
  'эл почта',
  'электронная почта',
  'адрес электронной почты',
  'емейл',
  'имейл',
  'e-mail адрес',
]);
synonyms('phone', [
  'phone',
  'phone number',
  'phones',
  'mobile',
  'mobile phone',
  'cell',
  'cell phone',
  'tel',
  'tel.',
  'telephone',
  'work phone',
  'home phone',
  'whatsapp',
  'телефон',
  'тел',
  'тел.',
  'моб',
  'моб.',
  'мобильный',
  'мобильный телефон',
  'номер телефона',
  'рабочий телефон',
  'сотовый',
  'контактный телефон',
]);
synonyms('company', [
  'company',
  'company name',
  'organization',
  'organisation',
  'org',
  'account',
  'account name',
  'employer',
  'business',
  'компания',
  'название компании',
  'организация',
  'название организации',
  'фирма',
  'работодатель',
  'юрлицо',
]);
synonyms('position', ['position', 'title', 'job title', 'job', 'role', 'occupation', 'должность', 'позиция', 'роль']);
synonyms('notes', [
  'notes',
  'note',
  'comment',
  'comments',
  'description',
  'remarks',
  'примечание',
  'примечания',
  'комментарий',
  'комментарии',
  'заметки',
  'заметка',
  'описание',
]);

synonyms('tags', ['tags', 'tag', 'labels', 'label', 'теги', 'тег', 'метки', 'метка', 'ярлыки']);

/** Prefix/contains rules for headers like "Phone 2", "Телефон (моб.)", "E-mail рабочий". */
const FUZZY: Array<[RegExp, ImportField]> = [
  [/e?mail|почт/, 'email'],
  [/phone|mobile|^tel(?!egram)|^cell|телефон|^тел(?!еграм)|^моб|сотов/, 'phone'],
  [/compan|organi[sz]|компани|организац/, 'company'],
  [/jobtitle|должност/, 'position'],
  [/^comment|^note|коммент|примечан|заметк/, 'notes'],
  [/^(?:full|contact|client|customer)?name$/, 'name'],
];

function matchField(header: string): ImportField | null {
  const key = normalizeHeader(header);
  if (!key) return null;
  if (key === 'имя') return null; // decided below: first name or the whole name
  const exact = EXACT[key];
  if (exact) return exact;
  for (const [re, field] of FUZZY) if (re.test(key)) return field;
  return null;
}

const SINGLE: ImportField[] = ['name', 'firstName', 'lastName', 'middleName', 'company', 'position', 'notes'];

export function mapHeaders(headers: string[]): HeaderMap {
  const columns: HeaderColumn[] = headers.map((header, index) => ({ index, header: header.replace(/^\uFEFF/, '').trim(), field: matchField(header) }));
  // "Имя" is a first name next to a "Фамилия" column, otherwise the whole name
  const hasLast = columns.some((c) => c.field === 'lastName');
  for (const c of columns) {
    if (normalizeHeader(c.header) === 'имя') c.field = hasLast ? 'firstName' : 'name';
  }
  // single-valued fields: the first column wins, later ones are ignored (emails and phones may repeat)
  const seen = new Set<ImportField>();
  for (const c of columns) {
    if (!c.field || !SINGLE.includes(c.field)) continue;
    if (seen.has(c.field)) {
      c.field = null;
      c.duplicate = true;
    } else seen.add(c.field);
  }
  const ignored = columns.filter((c) => c.field === null && c.header !== '').map((c) => c.header);
  const identifying = columns.some(
    (c) => c.field === 'name' || c.field === 'firstName' || c.field === 'lastName' || c.field === 'email' || c.field === 'phone',
  );
  return { columns, ignored, identifying };
}
