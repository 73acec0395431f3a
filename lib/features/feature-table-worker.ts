// Worker-thread entry of buildFeatureTable (feature-table.ts).
import { serveTraceJob } from "../data/trace-jobs";
import { runFeatureJob } from "./feature-table";

serveTraceJob(runFeatureJob);
