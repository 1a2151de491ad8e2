import { describeVectors } from "../support/vector-suite";

describeVectors("v2");
