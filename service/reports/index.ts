/** Reports for regulators: campaign statistics. */
export {
  computeStatistics,
  MonthlyTally,
  monthOf,
  StatisticsTally,
  statisticsCsv,
  type MonthlyStatistics,
  type Statistics,
} from "./statistics";
