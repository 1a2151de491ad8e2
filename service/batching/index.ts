export { Batcher, type BatchPolicy } from "./batcher";
