/** Reports for regulators: campaign statistics. */
export {
  MonthlyTally,
  monthOf,
  StatisticsTally,
  statisticsCsv,
  type MonthlyStatistics,
  type Statistics,
} from "./statistics";
