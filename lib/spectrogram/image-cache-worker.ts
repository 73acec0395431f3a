// Worker-thread entry of buildImageCache (image-cache.ts).
import { serveTraceJob } from "../data/trace-jobs";
import { runImageCacheJob } from "./image-cache-job";

serveTraceJob(runImageCacheJob);
