/** Reports for regulators: campaign statistics and the monthly campaign form. */
export {
  MonthlyTally,
  monthOf,
  StatisticsTally,
  statisticsCsv,
  type MonthlyStatistics,
  type Statistics,
} from "./statistics";
export {
  CAMPAIGN_FORM_FORMAT,
  campaignFormCsv,
  CampaignFormSchema,
  makeCampaignForm,
  type CampaignForm,
} from "./campaign-form";
export { renderCampaignFormPdf } from "./campaign-form-pdf";
