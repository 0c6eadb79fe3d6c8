/**
 * The page's words in Chinese (the default) and English, and advice for each of Shiming's codes.
 * Where the page knows no advice for a code, it shows the service's own `detail` or `message`.
 */

export const LANGUAGES = ['zh-CN', 'en'];
export const DEFAULT_LANGUAGE = 'zh-CN';

const zh = {
  skipToContent: '跳到主要内容',
  brand: '实名认证',
  languageToggle: 'English',
  title: '身份证实名认证 · 就诊人',
  intro: '拍摄或选择居民身份证照片，识别完成后可添加为就诊人。每个账户最多添加 {max} 位就诊人。',
  cardHeading: '第 1 步：身份证照片',
  sideLegend: '拍的是哪一面？',
  sideFront: '人像面',
  sideFrontHint: '有照片和身份证号',
  sideBack: '国徽面',
  sideBackHint: '有签发机关和有效期限',
  cameraLabel: '用相机拍照',
  fileLabel: '从相册或文件中选择',
  photoHint: '请把证件平放，四角完整入镜，避开反光，拍清每一个字。支持 JPEG、PNG、BMP 照片。',
  previewAlt: '所选的身份证照片',
  chosenFile: '已选择：{name}（{size}）',
  resized: '照片较大，已缩小到 {size} 后上传。',
  submit: '上传并识别',
  uploadProgress: '上传进度',
  statusHeading: '第 2 步：识别进度',
  uploading: '正在上传照片…',
  preparing: '正在准备照片…',
  Pending: '照片已收到，正在排队等待识别。',
  Running: '正在识别…',
  Completed: '识别完成。',
  Failed: '未能识别这张照片。',
  Terminated: '已取消识别，照片已删除。',
  queuePosition: '排在第 {n} 位',
  estimatedStart: '预计 {time} 开始（约 {seconds} 秒后）',
  startingNow: '马上就开始',
  pausedReason: '暂停原因：{reason}',
  lastChecked: '最后查询：{time}',
  cancel: '取消识别',
  resultHeading: '第 3 步：识别结果',
  name: '姓名',
  gender: '性别',
  ethnicity: '民族',
  birthDate: '出生日期',
  address: '住址',
  idNumber: '公民身份号码',
  idNumberValid: '号码校验通过',
  idNumberInvalid: '号码校验未通过',
  issuingAuthority: '签发机关',
  validity: '有效期限',
  expired: '已过期',
  notExpired: '在有效期内',
  side: '证件面',
  front: '人像面',
  back: '国徽面',
  warningsHeading: '请注意',
  addPatient: '添加为就诊人',
  adding: '正在添加…',
  added: '已添加为就诊人：{name}',
  addHintBack: '国徽面无需添加就诊人；要添加就诊人，请上传人像面。',
  addHintInvalid: '身份证号未通过校验，不能添加为就诊人。请重新拍摄人像面，拍清每一个数字。',
  addHintFull: '已有 {max} 位就诊人，没有空余名额。请先在下方移除一位，再添加。',
  addHintAdded: '已添加到下方的就诊人列表。',
  startOver: '识别另一张',
  rosterHeading: '我的就诊人',
  rosterLoading: '正在读取就诊人…',
  rosterSummary: '已添加 {count} 位，还可添加 {free} 位（最多 {max} 位）',
  rosterFull: '已添加 {count} 位，名额已满（最多 {max} 位）',
  rosterEmpty: '还没有就诊人。识别身份证人像面后即可添加。',
  addedOn: '添加于 {date}',
  remove: '移除',
  removeLabel: '移除就诊人 {name}',
  removeTitle: '移除就诊人？',
  removeText: '将从就诊人列表中移除 {name}（{id}）。以后可以再次识别并添加。',
  keep: '保留',
  removed: '已移除就诊人 {name}。',
  privacy: '照片只用于识别，识别结束即删除；身份证号只显示首尾几位。',
  errorTitle: '出了点问题',
  noFile: '请先拍照，或从相册中选择一张身份证照片。',
  unexpected: '请稍后再试。如果问题仍然存在，请联系诊所。',
};

const en = {
  skipToContent: 'Skip to main content',
  brand: 'Real-name check',
  languageToggle: '中文',
  title: 'ID card check · Patients',
  intro: 'Photograph or choose a photo of a resident ID card; once it is read, add the person as a patient. An account can have up to {max} patients.',
  cardHeading: 'Step 1: Photo of the ID card',
  sideLegend: 'Which side is it?',
  sideFront: 'Portrait side',
  sideFrontHint: 'with the photo and ID number',
  sideBack: 'National emblem side',
  sideBackHint: 'with the issuing authority and validity',
  cameraLabel: 'Take a photo',
  fileLabel: 'Choose from the gallery or files',
  photoHint: 'Lay the card flat with all four corners in view, avoid glare, and make every character sharp. JPEG, PNG or BMP.',
  previewAlt: 'The chosen photo of the ID card',
  chosenFile: 'Chosen: {name} ({size})',
  resized: 'The photo was large, so it was reduced to {size} before upload.',
  submit: 'Upload and read',
  uploadProgress: 'Upload progress',
  statusHeading: 'Step 2: Progress',
  uploading: 'Uploading the photo…',
  preparing: 'Preparing the photo…',
  Pending: 'The photo has arrived and is waiting in the queue.',
  Running: 'Reading the card…',
  Completed: 'Done.',
  Failed: 'This photo could not be read.',
  Terminated: 'Cancelled; the photo has been deleted.',
  queuePosition: 'Place in the queue: {n}',
  estimatedStart: 'Expected to start at {time} (in about {seconds} s)',
  startingNow: 'Starting any moment now',
  pausedReason: 'Paused: {reason}',
  lastChecked: 'Last checked: {time}',
  cancel: 'Cancel',
  resultHeading: 'Step 3: Result',
  name: 'Name',
  gender: 'Sex',
  ethnicity: 'Ethnicity',
  birthDate: 'Date of birth',
  address: 'Address',
  idNumber: 'ID number',
  idNumberValid: 'checksum valid',
  idNumberInvalid: 'checksum not valid',
  issuingAuthority: 'Issuing authority',
  validity: 'Valid',
  expired: 'expired',
  notExpired: 'in date',
  side: 'Side',
  front: 'portrait side',
  back: 'national emblem side',
  warningsHeading: 'Please note',
  addPatient: 'Add as patient',
  adding: 'Adding…',
  added: 'Added as a patient: {name}',
  addHintBack: 'The back of the card does not register a patient; to add a patient, upload the portrait side.',
  addHintInvalid: 'The ID number did not pass its check, so it cannot be added. Photograph the portrait side again so that every digit is sharp.',
  addHintFull: 'This account already has {max} patients. Remove one below, then add this person.',
  addHintAdded: 'Added to the list of patients below.',
  startOver: 'Read another card',
  rosterHeading: 'My patients',
  rosterLoading: 'Loading patients…',
  rosterSummary: '{count} added, {free} more can be added (at most {max})',
  rosterFull: '{count} added, no places left (at most {max})',
  rosterEmpty: 'No patients yet. Read the portrait side of an ID card to add one.',
  addedOn: 'Added {date}',
  remove: 'Remove',
  removeLabel: 'Remove patient {name}',
  removeTitle: 'Remove this patient?',
  removeText: '{name} ({id}) will be removed from the list of patients. You can read the card and add them again later.',
  keep: 'Keep',
  removed: 'Removed patient {name}.',
  privacy: 'Photos are used only to read the card and are deleted once it is read; ID numbers show only their first and last digits.',
  errorTitle: 'Something went wrong',
  noFile: 'Take a photo, or choose a photo of the ID card, first.',
  unexpected: 'Please try again later. If it keeps happening, contact the clinic.',
};

/** Advice in Chinese by Shiming's problem, error and warning codes. English uses the service's own text. */
const zhAdvice = {
  network_error: '连不上服务。请检查网络连接后重试。',
  unauthenticated: '请先登录，然后重试。',
  image_too_large: '照片太大。请用较低的分辨率重新拍摄，或压缩后再上传。',
  unsupported_image_type: '这不是 JPEG、PNG 或 BMP 图片。请上传身份证的照片。',
  image_unusable: '这张图片无法使用（尺寸不合适或文件已损坏）。请重新拍摄后上传。',
  image_missing: '没有收到照片。请重新选择照片后上传。',
  image_empty: '没有收到照片。请重新选择照片后上传。',
  unknown_side: '请选择“人像面”或“国徽面”。',
  malformed_request: '请求无法读取。请刷新页面后重试。',
  too_many_pending: '还有多张照片在等待识别。请等它们完成后再上传。',
  storage_unavailable: '服务暂时无法接收照片，什么也没有保存。请几秒后重试。',
  verification_not_found: '找不到这条识别记录，可能已被删除。请重新上传身份证照片。',
  verification_finished: '识别已经结束，无法取消。',
  not_an_id_card: '照片里没有认出居民身份证。请拍摄身份证原件，让证件占满画面。',
  wrong_side: '照片中的证件面和所选的不一致。请选择正确的一面，或把证件翻面后重新拍摄。',
  image_unreadable: '照片看不清。请在光线充足的地方重新拍摄，拍清每一个字。',
  provider_rejected: '识别服务无法处理这张照片。请重新拍摄后上传。',
  provider_unavailable: '识别服务暂时不可用。请稍后重新上传。',
  roster_full: '已有 5 位就诊人。请先移除一位，再添加。',
  patient_already_listed: '此人已经在就诊人列表中，无需重复添加。',
  verification_not_completed: '识别还没有成功完成。请等它完成，或重新上传照片。',
  verification_not_front: '国徽面不能用来添加就诊人。请上传人像面。',
  id_number_invalid: '身份证号未通过校验。请重新拍摄人像面，拍清每一个数字。',
  id_number_inconsistent: '身份证号与出生日期或性别不符。请核对照片，必要时重新拍摄人像面。',
  patient_not_found: '该就诊人已不在列表中，可能已被移除。',
  page_not_found: '找不到这个页面。',
  card_expired: '这张证件已过期。请到公安机关换领新证，并使用新证件。',
  image_blurred: '照片有些模糊。请拿稳手机、对好焦后重新拍摄。',
  image_glare: '证件上有反光。请关掉闪光灯、避开直射光后重新拍摄。',
  image_dark: '照片太暗。请在光线充足的地方重新拍摄。',
  image_quality_unknown: '无法判断照片质量。如果下面的信息有误，请重新拍摄。',
  card_photocopy: '这像是复印件。请拍摄身份证原件。',
  card_scan: '这像是扫描件。请拍摄身份证原件。',
  card_temporary: '这是临时身份证。请核对有效期限，或在正式证件办好后使用正式证件。',
  card_on_screen: '这像是翻拍的屏幕。请拍摄身份证原件。',
  card_risk_unknown: '无法检查证件是否为复印或修改过。请拍摄身份证原件。',
};

const dictionaries = { 'zh-CN': zh, en };

/**
 * @param {string} language 'zh-CN' or 'en'
 * @param {string} key
 * @param {Record<string, string | number>} [values]
 * @returns {string}
 */
export function translate(language, key, values = {}) {
  const text = dictionaries[language]?.[key] ?? zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

/**
 * Advice a person can follow for one of Shiming's codes, in the page's language.
 *
 * @param {string} language
 * @param {string | undefined} code
 * @param {string | undefined} serviceText the service's own `detail` or `message` (in English).
 * @returns {string}
 */
export function advice(language, code, serviceText) {
  if (language === 'zh-CN' && code && zhAdvice[code]) {
    return zhAdvice[code];
  }
  return serviceText || translate(language, 'unexpected');
}
