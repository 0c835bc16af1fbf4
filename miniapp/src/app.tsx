// The Mini App: a deal board by stage (drag a card or use its buttons), "mine" (my open leads
// and tasks), a contact's card with its history, and the head's team figures. Every call
// goes to /miniapp/api with the page's sign-in header; what a member sees is what core lets
// them see (a manager their own deals, heads and admins the team's).
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { apiClient, ApiError, type Api } from './api.js';
import { BarRows } from './charts.js';
import { dateTime, day, money, pickLocale, translate, type Key, type Locale } from './i18n.js';
import { webApp, type SignIn } from './telegram.js';
import type { Board, BoardDeal, BoardStage, ContactCard, Me, Mine, TeamFigures } from './types.js';

type Tab = 'board' | 'mine' | 'team';
type T = (key: Key, params?: Record<string, string | number>) => string;

function useLoad<V>(load: () => Promise<V>, deps: unknown[]) {
  const [state, setState] = useState<{ value?: V; error?: ApiError | Error; loading: boolean }>({ loading: true });
  const reload = useCallback(() => {
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (value) => setState({ value, loading: false }),
      (error: Error) => setState({ error, loading: false }),
    );
  }, deps);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

export function App({ signIn }: { signIn: SignIn }) {
  const api = useMemo(() => apiClient(signIn.headers), [signIn]);
  const me = useLoad(() => api.me(), [api]);
  const [locale, setLocale] = useState<Locale | null>(null);
  const current: Locale = locale ?? me.value?.locale ?? pickLocale(signIn.languageCode);
  const t: T = (key, params) => translate(current, key, params);
  const [tab, setTab] = useState<Tab>('board');
  const [contactId, setContactId] = useState<number | null>(null);

  useEffect(() => {
    document.documentElement.lang = current;
  }, [current]);

  if (me.loading && !me.value)
    return (
      <div class="center" data-testid="loading">
        {t('miniapp.loading')}
      </div>
    );
  if (me.error) {
    const status = me.error instanceof ApiError ? me.error.status : 0;
    return (
      <div class="center notice" data-testid={status === 403 ? 'not-linked' : 'auth-failed'}>
        {status === 403 ? t('miniapp.not_linked') : status === 401 ? t('miniapp.auth_failed') : t('miniapp.error', { detail: me.error.message })}
      </div>
    );
  }
  const who = me.value!;
  const seesTeam = who.role === 'head' || who.role === 'admin';
  return (
    <div class="app">
      <header class="top">
        <nav class="tabs" role="tablist">
          {(['board', 'mine', ...(seesTeam ? ['team'] : [])] as Tab[]).map((name) => (
            <button
              key={name}
              role="tab"
              class={tab === name && contactId === null ? 'tab active' : 'tab'}
              data-testid={`tab-${name}`}
              onClick={() => {
                setContactId(null);
                setTab(name);
              }}
            >
              {t(`miniapp.tab.${name}`)}
            </button>
          ))}
        </nav>
        <div class="langs" aria-label={t('miniapp.language')}>
          {(['en', 'ru'] as Locale[]).map((l) => (
            <button key={l} class={l === current ? 'lang active' : 'lang'} data-testid={`lang-${l}`} onClick={() => setLocale(l)}>
              {l.toUpperCase()}
            </button>
          ))}
        </div>
      </header>
      <main>
        {contactId !== null ? (
          <ContactView api={api} id={contactId} t={t} locale={current} me={who} onBack={() => setContactId(null)} />
        ) : tab === 'board' ? (
          <BoardView api={api} t={t} locale={current} me={who} openContact={setContactId} />
        ) : tab === 'mine' ? (
          <MineView api={api} t={t} locale={current} me={who} openContact={setContactId} />
        ) : (
          <TeamView api={api} t={t} locale={current} me={who} />
        )}
      </main>
    </div>
  );
}

interface ViewProps {
  api: Api;
  t: T;
  locale: Locale;
  me: Me;
}

function Failure({ error, t, retry }: { error: Error; t: T; retry: () => void }) {
  return (
    <div class="notice" data-testid="error">
      {t('miniapp.error', { detail: error.message })}{' '}
      <button class="link" onClick={retry}>
        {t('miniapp.retry')}
      </button>
    </div>
  );
}

function BoardView({ api, t, locale, me, openContact }: ViewProps & { openContact: (id: number) => void }) {
  const [pipeline, setPipeline] = useState<number | undefined>(undefined);
  const board = useLoad(() => api.board(pipeline), [api, pipeline]);
  const [toast, setToast] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [dragOver, setDragOver] = useState<number | null>(null);

  const move = async (deal: BoardDeal, stage: BoardStage) => {
    setBusy(deal.id);
    try {
      await api.move(deal.id, stage.id);
      setToast(t('miniapp.moved', { id: deal.id, stage: stage.name }));
      webApp()?.HapticFeedback?.notificationOccurred?.('success');
      board.reload();
    } catch (e) {
      setToast(t('miniapp.error', { detail: (e as Error).message }));
    } finally {
      setBusy(null);
    }
  };

  if (board.error) return <Failure error={board.error} t={t} retry={board.reload} />;
  const data: Board | undefined = board.value;
  if (!data) return <div class="center">{t('miniapp.loading')}</div>;
  const stages = data.stages;
  const openStages = stages.filter((s) => s.kind === 'open');
  return (
    <section class="board-wrap">
      <div class="board-head">
        {data.pipelines.length > 1 ? (
          <label>
            {t('miniapp.pipeline')}{' '}
            <select data-testid="pipeline" value={data.pipeline.id} onChange={(e) => setPipeline(Number((e.target as HTMLSelectElement).value))}>
              {data.pipelines.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <strong>{data.pipeline.name}</strong>
        )}
        <span class="hint">{t('miniapp.drag_hint')}</span>
      </div>
      {toast ? (
        <div class="toast" data-testid="toast" role="status">
          {toast}
        </div>
      ) : null}
      <div class="board" data-testid="board">
        {stages.map((stage) => {
          const index = stages.indexOf(stage);
          return (
            <div
              key={stage.id}
              class={`column kind-${stage.kind}${dragOver === stage.id ? ' drop' : ''}`}
              data-testid={`stage-${stage.id}`}
              data-stage={stage.name}
              onDragOver={(e) => {
                e.preventDefault();
                setDragOver(stage.id);
              }}
              onDragLeave={() => setDragOver((s) => (s === stage.id ? null : s))}
              onDrop={(e) => {
                e.preventDefault();
                setDragOver(null);
                const id = Number(e.dataTransfer?.getData('text/plain'));
                const deal = stages.flatMap((s) => s.deals).find((d) => d.id === id);
                if (deal && !stages.find((s) => s.deals.includes(deal) && s.id === stage.id)) void move(deal, stage);
              }}
            >
              <h2 class="column-title">
                <span>{stage.name}</span>
                <small>{t('miniapp.stage_total', { count: stage.total })}</small>
              </h2>
              {!stage.deals.length ? <p class="empty">{t('miniapp.empty_stage')}</p> : null}
              {stage.deals.map((deal) => {
                const next = stage.kind === 'open' ? stages[index + 1] : openStages[openStages.length - 1];
                const prev = stage.kind === 'open' ? (index > 0 ? stages[index - 1] : undefined) : undefined;
                return (
                  <article
                    key={deal.id}
                    class={busy === deal.id ? 'card busy' : 'card'}
                    data-testid={`deal-${deal.id}`}
                    draggable
                    onDragStart={(e) => e.dataTransfer?.setData('text/plain', String(deal.id))}
                  >
                    <div class="card-title">
                      <span class="muted">#{deal.id}</span> {deal.title}
                    </div>
                    {deal.amount ? <div class="amount">{money(locale, deal.amount, deal.currency)}</div> : null}
                    <div class="meta">
                      {deal.contact ? (
                        <button class="link" data-testid={`contact-${deal.contact.id}`} onClick={() => openContact(deal.contact!.id)}>
                          {deal.contact.name}
                        </button>
                      ) : null}
                      {deal.company ? <span class="muted"> · {deal.company}</span> : null}
                    </div>
                    {me.role !== 'manager' ? <div class="muted small">{t('miniapp.owner', { name: deal.owner.name })}</div> : null}
                    {deal.status !== 'open' ? <div class="muted small">{t(`miniapp.deal_status.${deal.status}` as Key)}</div> : null}
                    <div class="actions">
                      {prev ? (
                        <button class="ghost" data-testid={`back-${deal.id}`} disabled={busy !== null} onClick={() => void move(deal, prev)}>
                          {t('miniapp.move_back', { stage: prev.name })}
                        </button>
                      ) : null}
                      {next ? (
                        <button class="primary" data-testid={`next-${deal.id}`} disabled={busy !== null} onClick={() => void move(deal, next)}>
                          {t('miniapp.move_next', { stage: next.name })}
                        </button>
                      ) : null}
                    </div>
                  </article>
                );
              })}
              {stage.total > stage.deals.length ? <p class="muted small">{t('miniapp.more', { count: stage.total - stage.deals.length })}</p> : null}
            </div>
          );
        })}
      </div>
    </section>
  );
}

function MineView({ api, t, locale, me, openContact }: ViewProps & { openContact: (id: number) => void }) {
  const mine = useLoad(() => api.mine(), [api]);
  if (mine.error) return <Failure error={mine.error} t={t} retry={mine.reload} />;
  const data: Mine | undefined = mine.value;
  if (!data) return <div class="center">{t('miniapp.loading')}</div>;
  return (
    <section class="lists" data-testid="mine">
      <h2>{t('miniapp.my_tasks')}</h2>
      {!data.tasks.length ? <p class="empty">{t('miniapp.no_tasks')}</p> : null}
      <ul class="list">
        {data.tasks.map((task) => (
          <li key={task.id} class={task.overdue ? 'overdue' : ''}>
            <span class="muted">#{task.id}</span> {task.title}
            <div class="muted small">
              {dateTime(locale, task.due, me.timezone)}
              {task.overdue ? ` · ${t('miniapp.overdue')}` : ''}
            </div>
            {task.contactId ? (
              <button class="link small" onClick={() => openContact(task.contactId!)}>
                {t('miniapp.contact')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <h2>{t('miniapp.my_leads')}</h2>
      {!data.leads.length ? <p class="empty">{t('miniapp.no_leads')}</p> : null}
      <ul class="list">
        {data.leads.map((lead) => (
          <li key={lead.id}>
            <button class="link" data-testid={`lead-${lead.id}`} onClick={() => openContact(lead.contactId)}>
              <span class="muted">#{lead.id}</span> {lead.title}
            </button>
            <div class="muted small">
              {t(`miniapp.lead_status.${lead.status}` as Key)} · {lead.source} · {dateTime(locale, lead.createdAt, me.timezone)}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ContactView({ api, id, t, locale, me, onBack }: ViewProps & { id: number; onBack: () => void }) {
  const card = useLoad(() => api.contact(id), [api, id]);
  if (card.error) return <Failure error={card.error} t={t} retry={card.reload} />;
  const c: ContactCard | undefined = card.value;
  if (!c) return <div class="center">{t('miniapp.loading')}</div>;
  return (
    <section class="contact" data-testid="contact-card">
      <button class="link" onClick={onBack}>
        {t('miniapp.back')}
      </button>
      <h1>{c.name}</h1>
      <p class="muted">{[c.position, c.company].filter(Boolean).join(' · ')}</p>
      <p>{[...c.emails, ...c.phones].join(' · ')}</p>
      {c.deals.length ? (
        <>
          <h2>{t('miniapp.contact_deals')}</h2>
          <ul class="list">
            {c.deals.map((d) => (
              <li key={d.id}>
                <span class="muted">#{d.id}</span> {d.title} · {d.stage} {money(locale, d.amount, d.currency)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {c.leads.length ? (
        <>
          <h2>{t('miniapp.contact_leads')}</h2>
          <ul class="list">
            {c.leads.map((l) => (
              <li key={l.id}>
                <span class="muted">#{l.id}</span> {l.title}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>{t('miniapp.history')}</h2>
      {!c.history.length ? <p class="empty">{t('miniapp.no_history')}</p> : null}
      <ul class="history" data-testid="history">
        {c.history.map((h, i) => (
          <li key={i} class={`h-${h.kind} h-${h.type}`}>
            <div class="muted small">
              {h.kind === 'message' ? t(h.type === 'inbound' ? 'miniapp.history.in' : 'miniapp.history.out') : t('miniapp.history.activity')}
              {h.author ? ` · ${h.author}` : ''} · {dateTime(locale, h.at, me.timezone)}
              {h.kind === 'activity' ? ` · ${h.type}` : h.channel ? ` · ${h.channel}` : ''}
            </div>
            {h.text ? <div class="bubble">{h.text}</div> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function duration(t: T, seconds: number | null): string {
  if (seconds === null) return '—';
  return seconds < 3600 ? t('miniapp.minutes', { value: Math.round(seconds / 60) }) : t('miniapp.hours', { value: (seconds / 3600).toFixed(1) });
}

function TeamView({ api, t, locale, me }: ViewProps) {
  const team = useLoad(() => api.team(), [api]);
  if (team.error) {
    if (team.error instanceof ApiError && team.error.status === 403) return <p class="notice">{t('miniapp.team.head_only')}</p>;
    return <Failure error={team.error} t={t} retry={team.reload} />;
  }
  const f: TeamFigures | undefined = team.value;
  if (!f) return <div class="center">{t('miniapp.loading')}</div>;
  return (
    <section class="team" data-testid="team">
      <p class="muted">{t('miniapp.team.period', { start: day(locale, f.period.start, me.timezone), end: day(locale, f.period.end, me.timezone) })}</p>
      <h2>{t('miniapp.team.funnel')}</h2>
      <BarRows
        testId="funnel"
        funnel
        bars={f.funnel.map((s) => ({ label: s.name, value: s.count, note: s.amounts.map((a) => money(locale, a.amount, a.currency)).join(' + ') }))}
      />
      <h2>{t('miniapp.team.conversion')}</h2>
      <div class="figures">
        <Figure label={t('miniapp.team.leads')} value={f.conversion.leads} />
        <Figure label={t('miniapp.team.converted')} value={f.conversion.converted} />
        <Figure label={t('miniapp.team.won')} value={f.conversion.won} />
        <Figure label={t('miniapp.team.lost')} value={f.conversion.lost} />
      </div>
      {f.wonAmount.length ? (
        <p>
          {t('miniapp.team.won_amount')}: {f.wonAmount.map((w) => money(locale, w.current, w.currency)).join(' + ')}
        </p>
      ) : null}
      <h2>{t('miniapp.team.sources')}</h2>
      {f.leadsBySource.length ? (
        <BarRows testId="sources" bars={f.leadsBySource.map((s) => ({ label: s.source, value: s.current }))} />
      ) : (
        <p class="empty">{t('miniapp.team.none')}</p>
      )}
      <h2>{t('miniapp.team.first_response')}</h2>
      <p>
        {t('miniapp.team.median', { value: duration(t, f.firstResponse.median) })} · {t('miniapp.team.p90', { value: duration(t, f.firstResponse.p90) })} ·{' '}
        {t('miniapp.team.unanswered', { count: f.firstResponse.unanswered })}
      </p>
      <h2>{t('miniapp.team.members')}</h2>
      <BarRows
        testId="members"
        bars={f.team.map((m) => ({ label: m.name, value: m.openDeals, note: m.overdueTasks ? `· ${m.overdueTasks} ${t('miniapp.team.overdue_tasks')}` : '' }))}
      />
      <p class="muted small">{t('miniapp.team.open_deals')}</p>
    </section>
  );
}

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <div class="figure">
      <strong>{value}</strong>
      <span class="muted small">{label}</span>
    </div>
  );
}
