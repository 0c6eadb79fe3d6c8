// The page: choose or photograph a card, upload it, follow the job, show the result, manage the roster.
// Submitting and polling are shiming-client.js's; this file holds the page's state and draws it.
// The full ID number never reaches the page: only `idNumberMasked` is shown, and `idNumber` is dropped
// from the result as soon as it arrives.

import {
  fitImage, identityCheckOf, isIdentityMatched, isTerminal, jobStage, pollVerification, readProblem, ShimingProblem, submitCard, terminateVerification,
} from './shiming-client.js';
import { advice, DEFAULT_LANGUAGE, LANGUAGES, translate } from './i18n.js';

const MAX_PATIENTS = 5;
const LANGUAGE_KEY = 'shiming.language';
const apiBase = new URL('../', import.meta.url).href;

const $ = id => document.getElementById(id);
const el = {
  languageToggle: $('language-toggle'),
  message: $('message'),
  messageTitle: $('message-title'),
  messageDetail: $('message-detail'),
  notice: $('notice'),
  form: $('card-form'),
  cameraInput: $('camera-input'),
  fileInput: $('file-input'),
  identityNotice: $('identity-notice'),
  preview: $('preview'),
  previewImage: $('preview-image'),
  previewCaption: $('preview-caption'),
  submit: $('submit-button'),
  progress: $('upload-progress'),
  percent: $('upload-percent'),
  statusSection: $('status-section'),
  statusText: $('status-text'),
  statusDetails: $('status-details'),
  cancel: $('cancel-button'),
  resultSection: $('result-section'),
  resultHeading: $('result-heading'),
  resultFields: $('result-fields'),
  identityCheck: $('identity-check'),
  identityResult: $('identity-result'),
  identityAdvice: $('identity-advice'),
  warnings: $('warnings'),
  warningList: $('warning-list'),
  addHint: $('add-hint'),
  addPatient: $('add-patient-button'),
  startOver: $('start-over-button'),
  rosterSummary: $('roster-summary'),
  rosterList: $('roster-list'),
  removeDialog: $('remove-dialog'),
  removeText: $('remove-text'),
};

const state = {
  language: storedLanguage(),
  file: null,
  previewUrl: null,
  resizedTo: null,
  idempotencyKey: null,
  phase: 'idle', // idle | preparing | uploading | waiting | finished
  uploadFraction: 0,
  job: null,
  status: null,
  lastChecked: null,
  result: null,
  added: false,
  adding: false,
  patients: null,
  rosterUnavailable: false,
  message: null,
  notice: null,
  controller: null,
  removing: null,
};

const t = (key, values) => translate(state.language, key, { max: MAX_PATIENTS, ...values });

// ---- language ----

function storedLanguage() {
  try {
    const stored = localStorage.getItem(LANGUAGE_KEY);
    return LANGUAGES.includes(stored) ? stored : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

function setLanguage(language) {
  state.language = language;
  try {
    localStorage.setItem(LANGUAGE_KEY, language);
  } catch {
    // Private modes may refuse storage: the choice then lasts for this visit only.
  }
  render();
}

function renderStaticTexts() {
  document.documentElement.lang = state.language;
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) {
    node.textContent = t(node.dataset.i18n);
  }
  for (const node of document.querySelectorAll('[data-i18n-alt]')) {
    node.alt = t(node.dataset.i18nAlt);
  }
  // The toggle names the other language, in that language.
  el.languageToggle.textContent = t('languageToggle');
  el.languageToggle.lang = state.language === 'en' ? 'zh-CN' : 'en';
}

// ---- drawing ----

function render() {
  renderStaticTexts();
  renderChoice();
  renderProgress();
  renderStatus();
  renderResult();
  renderRoster();
  renderMessage();
}

function renderChoice() {
  // The page cannot know whether the service checks identities; the front side is the one that would be checked.
  el.identityNotice.hidden = el.form.elements.side.value !== 'front';
  el.preview.hidden = !state.file;
  if (state.file) {
    if (el.previewImage.getAttribute('src') !== state.previewUrl) {
      el.previewImage.src = state.previewUrl;
    }
    const caption = [t('chosenFile', { name: state.file.name || '—', size: formatBytes(state.file.size) })];
    if (state.resizedTo) {
      caption.push(t('resized', { size: formatBytes(state.resizedTo) }));
    }
    el.previewCaption.textContent = caption.join(' ');
  }
  const busy = state.phase === 'preparing' || state.phase === 'uploading' || state.phase === 'waiting';
  el.submit.disabled = busy;
  el.form.setAttribute('aria-busy', String(busy));
}

function renderProgress() {
  const percent = Math.round(state.uploadFraction * 100);
  el.progress.value = percent;
  el.progress.textContent = `${percent}%`;
  el.percent.textContent = `${percent}%`;
}

function renderStatus() {
  const { phase, status, result } = state;
  const stage = phase === 'waiting' ? jobStage(status) : null;
  el.statusSection.hidden = phase === 'idle' && !result;
  // Once the card has been read only the authority's answer is awaited: there is nothing left to cancel.
  el.cancel.hidden = !(phase === 'uploading' || phase === 'waiting') || stage === 'identityCheck';
  const details = [];
  let text = '';
  if (phase === 'preparing') {
    text = t('preparing');
  } else if (phase === 'uploading') {
    text = t('uploading'); // the progress bar tells how far
  } else if (phase === 'waiting' && status) {
    text = t(stage === 'identityCheck' ? 'identityCheck' : status.runtimeStatus === 'Running' ? 'Running' : 'Pending');
    const waiting = status.customStatus;
    if (waiting && Number.isInteger(waiting.queuePosition)) {
      details.push(t('queuePosition', { n: waiting.queuePosition }));
    }
    if (waiting?.estimatedStartTime) {
      const start = new Date(waiting.estimatedStartTime);
      const seconds = Math.round((start.getTime() - Date.now()) / 1000);
      details.push(seconds > 0 ? t('estimatedStart', { time: formatTime(start), seconds }) : t('startingNow'));
    }
    if (waiting?.reason) {
      details.push(t('pausedReason', { reason: waiting.reason }));
    }
    if (state.lastChecked) {
      details.push(t('lastChecked', { time: formatTime(state.lastChecked) }));
    }
  } else if (result) {
    text = t(result.runtimeStatus);
    if (result.runtimeStatus === 'Failed') {
      details.push(advice(state.language, result.error?.code, result.error?.message));
    }
  }
  el.statusSection.dataset.state = phase === 'finished' && result ? result.runtimeStatus : phase;
  el.statusSection.dataset.stage = stage ?? '';
  if (el.statusText.textContent !== text) {
    el.statusText.textContent = text; // unchanged text is not announced again
  }
  el.statusDetails.replaceChildren(...details.map(line => listItem(line)));
}

function renderResult() {
  const output = state.result?.runtimeStatus === 'Completed' ? state.result.output : null;
  el.resultSection.hidden = !output;
  if (!output) {
    return;
  }

  const rows = [];
  if (output.side === 'front') {
    rows.push(
      [t('name'), output.name, true],
      [t('gender'), genderText(output.gender), state.language !== 'en'],
      [t('ethnicity'), output.ethnicity, true],
      [t('birthDate'), output.birthDate, false],
      [t('address'), output.address, true],
      [t('idNumber'), output.idNumberMasked, false, check(output.idNumberValid, 'idNumberValid', 'idNumberInvalid'), 'id-number'],
    );
  } else {
    rows.push(
      [t('issuingAuthority'), output.issuingAuthority, true],
      [t('validity'), `${output.validFrom ?? '—'} – ${output.validUntil ?? '—'}`, false, check(!output.expired, 'notExpired', 'expired')],
    );
  }
  el.resultFields.replaceChildren(...rows.flatMap(([label, value, chinese, note, className]) => {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value || '—';
    if (chinese && state.language !== 'zh-CN') {
      dd.lang = 'zh-CN';
    }
    if (className) {
      dd.className = className;
    }
    if (note) {
      dd.append(note);
    }
    return [dt, dd];
  }));

  renderIdentityCheck(output);

  const warnings = output.warnings ?? [];
  el.warnings.hidden = warnings.length === 0;
  el.warningList.replaceChildren(...warnings.map(w => listItem(advice(state.language, w.code, w.message))));

  const full = (state.patients?.length ?? 0) >= MAX_PATIENTS;
  const identity = identityCheckOf(state.result)?.result;
  let hint = null;
  if (output.side !== 'front') {
    hint = 'addHintBack';
  } else if (!output.idNumberValid) {
    hint = 'addHintInvalid';
  } else if (identity === 'mismatched') {
    hint = 'addHintMismatched';
  } else if (identity === 'unavailable') {
    hint = 'addHintUnavailable';
  } else if (state.added) {
    hint = 'addHintAdded';
  } else if (full) {
    hint = 'addHintFull';
  }
  el.addPatient.hidden = output.side !== 'front';
  el.addPatient.disabled = hint !== null || state.adding;
  el.addPatient.textContent = t(state.adding ? 'adding' : 'addPatient');
  el.addHint.hidden = hint === null;
  el.addHint.textContent = hint ? t(hint) : '';
}

/** The authority's answer for a front side; a back side, or a service without the check, has none. */
function renderIdentityCheck(output) {
  const check = identityCheckOf(state.result);
  el.identityCheck.hidden = !check;
  if (!check) {
    delete el.identityCheck.dataset.result;
    return;
  }
  el.identityCheck.dataset.result = check.result;
  const mark = { matched: '✓', mismatched: '✗', unavailable: '!', skipped: '–' }[check.result];
  const known = mark !== undefined;
  el.identityResult.textContent = known ? `${mark} ${t(`identity_${check.result}`)}` : check.result;
  const lines = [];
  if (check.result === 'skipped') {
    // A number that passes its checksum is skipped only when the service does not check.
    lines.push(t(output.idNumberValid ? 'identity_skippedOff' : 'identity_skippedInvalid'));
  } else if (known) {
    lines.push(t(`identity_${check.result}Advice`));
  }
  if (check.checkedAt && check.result !== 'skipped') {
    lines.push(t('checkedAt', { time: formatTime(new Date(check.checkedAt)) }));
  }
  el.identityAdvice.textContent = lines.join(' ');
}

function renderRoster() {
  const patients = state.patients;
  if (!patients) {
    el.rosterSummary.textContent = t(state.rosterUnavailable ? 'rosterUnavailable' : 'rosterLoading');
    el.rosterList.replaceChildren();
    return;
  }

  const free = Math.max(MAX_PATIENTS - patients.length, 0);
  el.rosterSummary.textContent = patients.length === 0
    ? t('rosterEmpty')
    : t(free === 0 ? 'rosterFull' : 'rosterSummary', { count: patients.length, free });
  el.rosterSummary.dataset.free = String(free);
  el.rosterList.replaceChildren(...patients.map(patient => {
    const item = document.createElement('li');
    item.className = 'patient';
    item.dataset.patientId = patient.id;

    const who = document.createElement('div');
    who.className = 'patient-who';
    const name = document.createElement('span');
    name.className = 'patient-name';
    if (state.language !== 'zh-CN') {
      name.lang = 'zh-CN';
    }
    name.textContent = patient.nameMasked;
    const gender = document.createElement('span');
    gender.className = 'patient-gender';
    gender.textContent = genderText(patient.gender) ?? '';
    who.append(name, ' ', gender);
    if (isIdentityMatched(patient)) {
      const verified = document.createElement('span');
      verified.className = 'patient-verified';
      verified.textContent = `✓ ${t('patientVerified')}`;
      verified.title = t('patientVerifiedLabel');
      who.append(' ', verified);
    }

    const id = document.createElement('span');
    id.className = 'patient-id';
    id.textContent = patient.idNumberMasked;
    const added = document.createElement('span');
    added.className = 'patient-added';
    added.textContent = t('addedOn', { date: formatDate(new Date(patient.addedTime)) });

    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove';
    remove.textContent = t('remove');
    remove.setAttribute('aria-label', t('removeLabel', { name: patient.nameMasked }));
    remove.addEventListener('click', () => askToRemove(patient));

    item.append(who, id, added, remove);
    return item;
  }));
}

function renderMessage() {
  el.message.hidden = !state.message;
  if (state.message) {
    el.messageTitle.textContent = t('errorTitle');
    el.messageDetail.textContent = state.message.textKey
      ? t(state.message.textKey)
      : advice(state.language, state.message.code, state.message.detail);
  }
  el.notice.textContent = state.notice ? t(state.notice.key, state.notice.values) : '';
}

// ---- actions ----

function chooseFile(input) {
  const other = input === el.cameraInput ? el.fileInput : el.cameraInput;
  const file = input.files?.[0];
  if (!file) {
    return;
  }
  other.value = '';
  if (state.previewUrl) {
    URL.revokeObjectURL(state.previewUrl);
  }
  state.file = file;
  state.previewUrl = URL.createObjectURL(file);
  state.resizedTo = null;
  state.idempotencyKey = null;
  state.uploadFraction = 0;
  state.message = null;
  if (state.phase === 'idle' || state.phase === 'finished') {
    // A new photo starts over: the last job's outcome no longer describes what is on screen.
    Object.assign(state, { phase: 'idle', result: null, status: null, job: null, added: false, notice: null });
  }
  render();
}

async function submit(event) {
  event.preventDefault();
  if (!state.file) {
    showProblem({ code: 'no_file', textKey: 'noFile' });
    el.fileInput.focus();
    return;
  }

  state.controller?.abort();
  const controller = new AbortController();
  state.controller = controller;
  const side = el.form.elements.side.value;
  state.idempotencyKey ??= newKey();
  Object.assign(state, { phase: 'preparing', result: null, status: null, job: null, added: false, message: null, notice: null, uploadFraction: 0 });
  render();

  try {
    const upload = await fitImage(state.file);
    state.resizedTo = upload === state.file ? null : upload.size;
    state.phase = 'uploading';
    render();

    const accepted = await submitCard(upload, {
      side,
      apiBase,
      idempotencyKey: `${state.idempotencyKey}-${side}`,
      signal: controller.signal,
      onUploadProgress: progress => {
        state.uploadFraction = progress.fraction;
        renderProgress();
      },
    });
    // The key guards only this attempt against a repeated upload; the next attempt is a new submission.
    Object.assign(state, { phase: 'waiting', job: accepted, status: accepted, uploadFraction: 1, lastChecked: new Date(), idempotencyKey: null });
    render();

    const finished = await pollVerification(accepted.statusQueryGetUri, {
      firstDelayMs: isTerminal(accepted.runtimeStatus) ? 0 : accepted.retryAfterMs,
      signal: controller.signal,
      onUpdate: status => {
        state.status = status;
        state.lastChecked = new Date();
        renderStatus();
      },
    });
    if (finished.output) {
      delete finished.output.idNumber;
    }
    Object.assign(state, { phase: 'finished', result: finished, status: null });
    render();
    if (finished.runtimeStatus === 'Completed') {
      el.resultHeading.focus();
    }
  } catch (error) {
    state.phase = 'idle';
    if (error?.code !== 'network_error') {
      state.idempotencyKey = null; // refused, so nothing was stored: keep the key only when the answer was lost
    }
    if (!controller.signal.aborted) {
      showProblem(error);
    }
    render();
  } finally {
    if (state.controller === controller) {
      state.controller = null;
    }
  }
}

async function cancel() {
  if (state.phase === 'uploading') {
    state.controller?.abort();
    state.uploadFraction = 0;
    render();
    return;
  }
  if (state.phase === 'waiting' && state.job) {
    // The poll goes on and shows the job's final state: Terminated, or its result if it finished first.
    try {
      await terminateVerification(state.job.terminatePostUri);
    } catch (error) {
      showProblem(error);
      render();
    }
  }
}

async function addPatient() {
  const verificationId = state.result?.id;
  if (!verificationId || state.adding) {
    return;
  }
  state.adding = true;
  state.message = null;
  render();
  try {
    const response = await api('patients', { method: 'POST', body: JSON.stringify({ verificationId }), headers: { 'Content-Type': 'application/json' } });
    if (!response.ok) {
      throw await readProblem(response);
    }
    const patient = await response.json();
    state.added = true;
    state.notice = { key: 'added', values: { name: patient.nameMasked } };
  } catch (error) {
    showProblem(error);
  } finally {
    state.adding = false;
  }
  await loadRoster();
}

function askToRemove(patient) {
  state.removing = patient;
  el.removeText.textContent = t('removeText', { name: patient.nameMasked, id: patient.idNumberMasked });
  el.removeDialog.returnValue = '';
  el.removeDialog.showModal();
  el.removeDialog.querySelector('#remove-cancel').focus();
}

async function onRemoveDialogClosed() {
  const patient = state.removing;
  state.removing = null;
  if (!patient || el.removeDialog.returnValue !== 'confirm') {
    return;
  }
  state.message = null;
  try {
    const response = await api(`patients/${encodeURIComponent(patient.id)}`, { method: 'DELETE' });
    if (!response.ok && response.status !== 404) {
      throw await readProblem(response);
    }
    state.notice = { key: 'removed', values: { name: patient.nameMasked } };
    if (state.result?.runtimeStatus === 'Completed' && state.patients?.some(p => p.id === patient.id && p.verificationId === state.result.id)) {
      state.added = false;
    }
  } catch (error) {
    showProblem(error);
  }
  await loadRoster();
  el.rosterSummary.scrollIntoView({ block: 'nearest' });
}

function startOver() {
  state.controller?.abort();
  if (state.previewUrl) {
    URL.revokeObjectURL(state.previewUrl);
  }
  Object.assign(state, {
    file: null, previewUrl: null, resizedTo: null, idempotencyKey: null, phase: 'idle', uploadFraction: 0,
    job: null, status: null, result: null, added: false, message: null, notice: null,
  });
  el.cameraInput.value = '';
  el.fileInput.value = '';
  render();
  el.cameraInput.focus();
}

async function loadRoster() {
  try {
    const response = await api('patients');
    if (!response.ok) {
      throw await readProblem(response);
    }
    state.patients = await response.json();
    state.rosterUnavailable = false;
  } catch (error) {
    state.rosterUnavailable = true;
    showProblem(error);
  }
  render();
}

function showProblem(error) {
  state.message = error instanceof ShimingProblem || (error && typeof error.code === 'string')
    ? { code: error.code, detail: error.detail, textKey: error.textKey }
    : { code: 'network_error', detail: '' };
  state.notice = null;
  renderMessage();
  el.message.scrollIntoView({ block: 'nearest' });
}

async function api(path, init = {}) {
  try {
    return await fetch(new URL(path, apiBase), { credentials: 'same-origin', cache: 'no-store', ...init, headers: { Accept: 'application/json', ...init.headers } });
  } catch {
    throw new ShimingProblem({ status: 0, code: 'network_error', title: 'The service could not be reached.', detail: 'Check the network connection, then try again.' });
  }
}

// ---- formatting ----

function check(ok, okKey, badKey) {
  const note = document.createElement('span');
  note.className = ok ? 'check ok' : 'check bad';
  note.textContent = `${ok ? '✓' : '✗'} ${t(ok ? okKey : badKey)}`;
  return note;
}

function listItem(text) {
  const item = document.createElement('li');
  item.textContent = text;
  return item;
}

function genderText(gender) {
  if (state.language === 'en') {
    return { 男: 'male', 女: 'female' }[gender] ?? gender;
  }
  return gender;
}

function formatTime(date) {
  return date.toLocaleTimeString(state.language, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function formatDate(date) {
  return date.toLocaleDateString(state.language, { year: 'numeric', month: '2-digit', day: '2-digit' });
}

function formatBytes(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function newKey() {
  if (crypto.randomUUID) {
    return crypto.randomUUID();
  }
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
}

// ---- wiring ----

el.languageToggle.addEventListener('click', () => setLanguage(state.language === 'en' ? 'zh-CN' : 'en'));
el.cameraInput.addEventListener('change', () => chooseFile(el.cameraInput));
el.fileInput.addEventListener('change', () => chooseFile(el.fileInput));
for (const radio of el.form.elements.side) {
  radio.addEventListener('change', () => {
    state.message = null;
    renderChoice();
    renderMessage();
  });
}
el.form.addEventListener('submit', submit);
el.cancel.addEventListener('click', cancel);
el.addPatient.addEventListener('click', addPatient);
el.startOver.addEventListener('click', startOver);
el.removeDialog.addEventListener('close', onRemoveDialogClosed);

render();
loadRoster();
document.body.dataset.ready = 'true';
