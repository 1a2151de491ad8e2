/** Reports for regulators: campaign statistics. */
export { computeStatistics, statisticsCsv, type Statistics } from "./statistics";
