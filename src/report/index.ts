/** The HTML report (`egret report`, `compile --report`): data collection and its view. */
export { collectReport, type ReportInput } from "./collect.js";
export { readProfile, type Profile } from "./profile.js";
export { renderReportHtml } from "./render/page.js";
export type { ReportData } from "./types.js";
