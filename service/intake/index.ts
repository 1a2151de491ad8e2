export {
  Sequencer,
  type SealedRecord,
  type SequencerOptions,
  type Submission,
  type Submitter,
} from "./sequencer";
