import type { deals as en } from '../en/deals.js';
import type { Message } from '../types.js';

export const deals = {
  'invalid.deal_title_empty': 'У сделки должно быть название.',
  'invalid.deal_owner_required': 'Укажите ответственного за сделку.',
  'invalid.amount_negative': 'Сумма «{value}» не может быть отрицательной.',
  'invalid.amount_precision': 'В сумме «{value}» больше двух знаков после запятой.',
  'invalid.amount_too_large': 'Сумма «{value}» слишком велика.',
  'invalid.stage_empty': 'Укажите этап, например «Переговоры».',
  'invalid.stage_ambiguous': 'Этап «{value}» подходит к нескольким этапам: {options}. Уточните.',
  'invalid.lost_reason_empty': 'Укажите причину проигрыша сделки.',
  'invalid.deal_not_closed': 'Сделка #{id} ещё открыта; переоткрыть можно только выигранную или проигранную.',
  'invalid.reopen_stage': 'Сделку можно переоткрыть только на открытом этапе, а не «{name}».',
  'invalid.lead_has_deal': 'У лида #{id} уже есть сделка #{dealId}.',
} satisfies Record<keyof typeof en, Message>;
