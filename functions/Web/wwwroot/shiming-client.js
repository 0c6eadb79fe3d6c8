/**
 * Submit a photo of a Chinese resident ID card to Shiming and follow its verification to the end.
 *
 * A dependency-free ES module for browsers, reusable by any frontend:
 *
 * ```js
 * import { submitCard, pollVerification } from '/api/web/shiming-client.js';
 *
 * const accepted = await submitCard(file, { side: 'front', onUploadProgress: p => bar.value = p.fraction });
 * const finished = await pollVerification(accepted.statusQueryGetUri, {
 *   firstDelayMs: accepted.retryAfterMs,
 *   onUpdate: status => show(status.runtimeStatus, status.customStatus),
 * });
 * if (finished.runtimeStatus === 'Completed') show(finished.output.idNumberMasked);
 * ```
 *
 * While the identity check is on, a front side stays `Running` after the reading until the authority has
 * answered: {@link jobStage} tells that stage apart, and {@link identityCheckOf} reads the result.
 *
 * Every refusal is thrown as a {@link ShimingProblem}: its `detail` is advice a person can follow.
 * Polling honours `Retry-After` within bounds, rides out brief network and server faults, stops at
 * `Completed`, `Failed` or `Terminated`, and stops at once when its `AbortSignal` fires.
 *
 * @module shiming-client
 */

/** The runtime statuses after which a verification never changes. */
export const TERMINAL_STATUSES = Object.freeze(['Completed', 'Failed', 'Terminated']);

/** The largest image Shiming accepts, in bytes (Baidu's limit on the image). */
export const MAX_IMAGE_BYTES = 3 * 1024 * 1024;

/** The longest side, in pixels, that Shiming accepts. */
export const MAX_IMAGE_SIDE = 4096;

/**
 * @param {string | undefined} runtimeStatus
 * @returns {boolean} whether a verification in this status is finished for good.
 */
export function isTerminal(runtimeStatus) {
  return TERMINAL_STATUSES.includes(runtimeStatus);
}

/**
 * The answers of the authority's identity check (公安身份核验): `matched`, `mismatched` (the record differs, or
 * there is none), `unavailable` (no answer after the retries: try again later) and `skipped` (the number failed
 * its checksum, or the check is off).
 */
export const IDENTITY_CHECK_RESULTS = Object.freeze(['matched', 'mismatched', 'unavailable', 'skipped']);

/**
 * The stage an unfinished job has reached, as `customStatus.stage` names it: `'identityCheck'` while a read
 * front side waits for the authority's answer. Null for a finished job, or one the service names no stage for
 * (waiting in line, or being read).
 *
 * @param {object | null | undefined} status a status body.
 * @returns {string | null}
 */
export function jobStage(status) {
  if (!status || isTerminal(status.runtimeStatus)) {
    return null;
  }
  const stage = status.customStatus?.stage;
  return typeof stage === 'string' && stage.length > 0 ? stage : null;
}

/**
 * The identity check's result: of a finished front side (`output.identityCheck` of a status body) or of a
 * patient (`identityCheck` of a roster entry).
 *
 * @param {object | null | undefined} statusOrPatient a status body or a patient summary.
 * @returns {{result: string, checkedAt: string | null} | null} null when there is none: a back side, a job
 *   not completed, a patient added while the check was off, or a service without the check.
 */
export function identityCheckOf(statusOrPatient) {
  const check = statusOrPatient?.output !== undefined ? statusOrPatient.output?.identityCheck : statusOrPatient?.identityCheck;
  if (!check || typeof check.result !== 'string') {
    return null;
  }
  return { result: check.result, checkedAt: typeof check.checkedAt === 'string' ? check.checkedAt : null };
}

/**
 * @param {object | null | undefined} statusOrPatient a status body or a patient summary.
 * @returns {boolean} whether the authority confirmed the name and number.
 */
export function isIdentityMatched(statusOrPatient) {
  return identityCheckOf(statusOrPatient)?.result === 'matched';
}

/**
 * A refusal or a failure to reach Shiming: the RFC 9457 problem details of the answer, or one made up
 * for a network failure (`status` 0, `code` `network_error`).
 */
export class ShimingProblem extends Error {
  /**
   * @param {object} init
   * @param {number} init.status HTTP status, or 0 when no answer came.
   * @param {string} init.code Shiming's stable code, for example `image_too_large` or `roster_full`: the answer's
   *   `code`, or else the last segment of its `type`.
   * @param {string} init.title What went wrong, in a few words.
   * @param {string} init.detail What a person can do about it.
   * @param {number | null} [init.retryAfterMs] When the answer said to come back, in milliseconds.
   * @param {object | null} [init.body] The problem document as received.
   */
  constructor({ status, code, title, detail, retryAfterMs = null, body = null }) {
    super(detail || title || code);
    this.name = 'ShimingProblem';
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.retryAfterMs = retryAfterMs;
    this.body = body;
  }
}

/**
 * How long to wait before the next request, from a `Retry-After` value (seconds or an HTTP date),
 * kept within bounds so that a missing, odd or hostile value neither hammers the service nor stalls.
 *
 * @param {string | null | undefined} value the header's value.
 * @param {object} [bounds]
 * @param {number} [bounds.fallbackMs=2000] used when there is no usable value.
 * @param {number} [bounds.minMs=1000] never sooner than this.
 * @param {number} [bounds.maxMs=60000] never later than this.
 * @param {number} [bounds.now=Date.now()] the current time, for an HTTP-date value.
 * @returns {number} milliseconds.
 */
export function retryAfterMilliseconds(value, { fallbackMs = 2000, minMs = 1000, maxMs = 60000, now = Date.now() } = {}) {
  let ms = fallbackMs;
  const text = typeof value === 'string' ? value.trim() : '';
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else if (text.length > 0) {
    const date = Date.parse(text);
    if (!Number.isNaN(date)) {
      ms = date - now;
    }
  }
  return Math.min(Math.max(ms, minMs), maxMs);
}

/**
 * Reads a failed answer into a {@link ShimingProblem}.
 *
 * @param {Response} response an answer that is not a success.
 * @returns {Promise<ShimingProblem>}
 */
export async function readProblem(response) {
  let body = null;
  try {
    body = JSON.parse(await response.text());
  } catch {
    // Not JSON (a proxy's page, an empty body): described by its status alone.
  }
  return toProblem(response.status, body, response.headers.get('Retry-After'));
}

/**
 * Uploads a card photo as `multipart/form-data`. Uses `XMLHttpRequest` because `fetch` cannot report
 * upload progress.
 *
 * @param {Blob} file the photo: JPEG, PNG or BMP, at most {@link MAX_IMAGE_BYTES} (see {@link fitImage}).
 * @param {object} [options]
 * @param {'front' | 'back'} [options.side='front'] the portrait side, or the national-emblem side.
 * @param {string} [options.apiBase='/api/'] where Shiming's API is, relative to the page or absolute.
 * @param {string} [options.idempotencyKey] sent as `Idempotency-Key`: submitting again with the same key
 *   returns the job already created instead of queueing another.
 * @param {(progress: {loaded: number, total: number, fraction: number}) => void} [options.onUploadProgress]
 * @param {AbortSignal} [options.signal] aborts the upload.
 * @param {boolean} [options.withCredentials=false] send cookies to an API on another origin (CORS).
 * @returns {Promise<{id: string, statusQueryGetUri: string, terminatePostUri: string, purgeHistoryDeleteUri: string,
 *   runtimeStatus: string, createdTime: string, customStatus: object | null, retryAfterMs: number}>}
 *   the accepted job; `retryAfterMs` is how long to wait before the first poll.
 * @throws {ShimingProblem} when Shiming refuses the photo or cannot be reached.
 */
export function submitCard(file, { side = 'front', apiBase = '/api/', idempotencyKey, onUploadProgress, signal, withCredentials = false } = {}) {
  return submitImage('verifications', { side }, file, 'card', { apiBase, idempotencyKey, onUploadProgress, signal, withCredentials });
}

/**
 * Uploads a picture of a document (a referral letter, a prescription) to have its text read. It answers as
 * {@link submitCard} does; follow the job with {@link pollVerification}, which polls any of Shiming's
 * status URIs. A completed job's `output` is `{accuracy, locations, lines: [{words, location?}]}`,
 * the lines in reading order.
 *
 * @param {Blob} file the picture (JPEG, PNG or BMP, at most {@link MAX_IMAGE_BYTES}).
 * @param {object} [options] as for {@link submitCard}, without `side`, and:
 * @param {'accurate' | 'standard'} [options.accuracy='accurate'] Baidu's high-accuracy or standard edition.
 * @param {boolean} [options.locations=false] also give each line's box `{left, top, width, height}`.
 * @returns {Promise<object>} the accepted job, as {@link submitCard} returns it.
 * @throws {ShimingProblem} when Shiming refuses the picture or cannot be reached.
 */
export function submitTextRecognition(file, { accuracy = 'accurate', locations = false, apiBase = '/api/', idempotencyKey, onUploadProgress, signal, withCredentials = false } = {}) {
  const query = new URLSearchParams({ accuracy });
  if (locations) {
    query.set('locations', 'true');
  }
  return submitImage(`text-recognitions?${query}`, {}, file, 'document', { apiBase, idempotencyKey, onUploadProgress, signal, withCredentials });
}

/**
 * Uploads a picture a user sent, to have it screened. It answers as {@link submitCard} does; follow the job
 * with {@link pollVerification}. A completed job's `output` is `{verdict, reasons}`, the verdict one of
 * `compliant`, `non_compliant`, `suspected` or `failed` (Baidu could not judge it).
 *
 * @param {Blob} file the picture (JPEG, PNG or BMP, at least 128 px a side).
 * @param {object} [options] as for {@link submitCard}, without `side`.
 * @returns {Promise<object>} the accepted job, as {@link submitCard} returns it.
 * @throws {ShimingProblem} when Shiming refuses the picture or cannot be reached.
 */
export function submitImageModeration(file, { apiBase = '/api/', idempotencyKey, onUploadProgress, signal, withCredentials = false } = {}) {
  return submitImage('image-moderations', {}, file, 'picture', { apiBase, idempotencyKey, onUploadProgress, signal, withCredentials });
}

/** One multipart upload to a submit route, with progress, abort and the 202 or problem answer. */
function submitImage(route, fields, file, defaultName, { apiBase, idempotencyKey, onUploadProgress, signal, withCredentials }) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }

    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      form.append(name, value);
    }
    form.append('image', file, file.name || defaultName);

    const xhr = new XMLHttpRequest();
    xhr.open('POST', new URL(route, new URL(apiBase, globalThis.location?.href)));
    xhr.withCredentials = withCredentials;
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    if (idempotencyKey) {
      xhr.setRequestHeader('Idempotency-Key', idempotencyKey);
    }

    const report = (loaded, total) => onUploadProgress?.({ loaded, total, fraction: total > 0 ? Math.min(loaded / total, 1) : 0 });
    xhr.upload.addEventListener('progress', e => report(e.loaded, e.lengthComputable ? e.total : file.size));
    xhr.upload.addEventListener('load', e => report(e.total || file.size, e.total || file.size));

    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal?.removeEventListener('abort', onAbort);

    xhr.addEventListener('load', () => {
      settle();
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // handled below by status
      }
      const retryAfter = xhr.getResponseHeader('Retry-After');
      if (xhr.status === 202 && body?.statusQueryGetUri) {
        resolve({ ...body, retryAfterMs: retryAfterMilliseconds(retryAfter) });
      } else {
        reject(toProblem(xhr.status, body, retryAfter));
      }
    });
    xhr.addEventListener('error', () => {
      settle();
      reject(networkProblem());
    });
    xhr.addEventListener('abort', () => {
      settle();
      reject(signal?.reason ?? new DOMException('The upload was aborted.', 'AbortError'));
    });
    xhr.send(form);
  });
}

/**
 * Polls a status URI until the verification is finished. Between polls it waits what `Retry-After`
 * says (within `minDelayMs`..`maxDelayMs`); a network fault, a `429` or a `5xx` is retried with growing
 * waits up to `maxTransientFailures` times in a row; any other refusal (`401`, `404`) is thrown.
 *
 * @param {string} statusUri the `statusQueryGetUri` (or `Location`) of a submitted job.
 * @param {object} [options]
 * @param {(status: object) => void} [options.onUpdate] called with every status body, the last one included.
 * @param {AbortSignal} [options.signal] stops polling; the promise then rejects with the signal's reason.
 * @param {number} [options.firstDelayMs=0] wait before the first poll (the submission's `retryAfterMs`).
 * @param {number} [options.minDelayMs=1000]
 * @param {number} [options.maxDelayMs=60000]
 * @param {number} [options.maxTransientFailures=5]
 * @param {RequestCredentials} [options.credentials='same-origin'] `'include'` for an API on another origin.
 * @param {typeof fetch} [options.fetch] the fetch to use (for tests).
 * @param {(ms: number, signal?: AbortSignal) => Promise<void>} [options.sleep] the wait to use (for tests).
 * @returns {Promise<object>} the final status body: `runtimeStatus` `Completed` (with `output`),
 *   `Failed` (with `error: {code, message}`) or `Terminated`.
 * @throws {ShimingProblem} when the job cannot be followed (unknown, not this account's, service unreachable).
 */
export async function pollVerification(statusUri, {
  onUpdate,
  signal,
  firstDelayMs = 0,
  minDelayMs = 1000,
  maxDelayMs = 60000,
  maxTransientFailures = 5,
  credentials = 'same-origin',
  fetch: fetchImpl = (...args) => globalThis.fetch(...args),
  sleep = abortableSleep,
} = {}) {
  const bounds = { minMs: minDelayMs, maxMs: maxDelayMs };
  let delay = firstDelayMs;
  let failures = 0;
  for (;;) {
    if (delay > 0) {
      await sleep(delay, signal);
    }
    signal?.throwIfAborted();

    let response;
    try {
      response = await fetchImpl(statusUri, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials, signal });
    } catch (error) {
      signal?.throwIfAborted();
      if (++failures > maxTransientFailures) {
        throw networkProblem(error);
      }
      delay = backoffMs(failures, bounds);
      continue;
    }

    const retryAfter = response.headers.get('Retry-After');
    if (response.status === 200 || response.status === 202) {
      const status = await response.json();
      failures = 0;
      onUpdate?.(status);
      if (response.status === 200 || isTerminal(status.runtimeStatus)) {
        return status;
      }
      delay = retryAfterMilliseconds(retryAfter, bounds);
      continue;
    }

    if ((response.status === 429 || response.status >= 500) && ++failures <= maxTransientFailures) {
      delay = Math.max(backoffMs(failures, bounds), retryAfterMilliseconds(retryAfter, bounds));
      continue;
    }
    throw await readProblem(response);
  }
}

/**
 * Asks Shiming to stop a job that has not finished; it is then never sent for recognition.
 *
 * @param {string} terminateUri the `terminatePostUri` of a submitted job.
 * @param {object} [options]
 * @param {AbortSignal} [options.signal]
 * @param {RequestCredentials} [options.credentials='same-origin']
 * @returns {Promise<boolean>} true if it was stopped; false if it had already finished.
 * @throws {ShimingProblem} for any other refusal.
 */
export async function terminateVerification(terminateUri, { signal, credentials = 'same-origin' } = {}) {
  let response;
  try {
    response = await fetch(terminateUri, { method: 'POST', credentials, signal });
  } catch (error) {
    signal?.throwIfAborted();
    throw networkProblem(error);
  }
  if (response.status === 202) {
    return true;
  }
  if (response.status === 410) {
    return false;
  }
  throw await readProblem(response);
}

/**
 * Makes a photo fit what Shiming accepts: one larger than {@link MAX_IMAGE_BYTES} or with a side longer
 * than {@link MAX_IMAGE_SIDE} (a phone camera's full resolution, typically) is scaled down and re-encoded
 * as JPEG; any other photo is returned unchanged, byte for byte.
 *
 * @param {File | Blob} file
 * @param {object} [options]
 * @param {number} [options.maxBytes=MAX_IMAGE_BYTES]
 * @param {number} [options.maxSide=2048] the longest side of a scaled-down photo: plenty for OCR.
 * @returns {Promise<File | Blob>}
 */
export async function fitImage(file, { maxBytes = MAX_IMAGE_BYTES, maxSide = 2048 } = {}) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return file; // not decodable here (a BMP variant, not an image): let Shiming say what is wrong
  }
  try {
    if (file.size <= maxBytes && Math.max(bitmap.width, bitmap.height) <= MAX_IMAGE_SIDE) {
      return file;
    }
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    for (const quality of [0.9, 0.8, 0.7, 0.6]) {
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
      if (blob.size <= maxBytes) {
        const name = (file.name || 'card').replace(/\.[^.]*$/, '') + '.jpg';
        return new File([blob], name, { type: 'image/jpeg' });
      }
    }
    return file;
  } finally {
    bitmap.close();
  }
}

function toProblem(status, body, retryAfter) {
  const problem = body && typeof body === 'object' ? body : {};
  return new ShimingProblem({
    status,
    code: typeof problem.code === 'string' ? problem.code : codeOfType(problem.type) ?? `http_${status}`,
    title: typeof problem.title === 'string' ? problem.title : `HTTP ${status}`,
    detail: typeof problem.detail === 'string' ? problem.detail : '',
    retryAfterMs: retryAfter ? retryAfterMilliseconds(retryAfter) : null,
    body: body ?? null,
  });
}

/** A problem's stable code is the last segment of its `type` (`urn:shiming:problem:identity_mismatched`). */
function codeOfType(type) {
  const match = typeof type === 'string' && type !== 'about:blank' ? /[/:#]([a-z][a-z0-9_]*)$/.exec(type) : null;
  return match ? match[1] : null;
}

function networkProblem(cause) {
  const problem = new ShimingProblem({
    status: 0,
    code: 'network_error',
    title: 'The service could not be reached.',
    detail: 'Check the network connection, then try again.',
  });
  if (cause) {
    problem.cause = cause;
  }
  return problem;
}

function backoffMs(failures, { minMs, maxMs }) {
  return Math.min(Math.max(minMs, 1000 * 2 ** (failures - 1)), maxMs);
}

function abortableSleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
