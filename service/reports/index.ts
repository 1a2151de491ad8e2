/** Reports for regulators: campaign statistics. */
export { computeStatistics, StatisticsTally, statisticsCsv, type Statistics } from "./statistics";
