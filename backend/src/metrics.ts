/**
 * Prometheus text metrics: jobs by state, queue depth, running attempts, job durations. Counts
 * come from the store (so they survive restarts); durations of jobs finished by this process are
 * a histogram.
 */
import { JOB_STATES } from '../../src/api/types';
import type { JobRecord, JobStore } from './job-store';

const BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

export class Metrics {
  private readonly buckets = new Map<string, number[]>();
  private readonly sums = new Map<string, number>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly store: JobStore) {}

  /** Records a job that reached a final state. */
  jobFinished(job: JobRecord): void {
    if (!job.startedAt || !job.finishedAt) return;
    const seconds = (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
    const b = this.buckets.get(job.state) ?? BUCKETS.map(() => 0);
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) b[i]!++;
    });
    this.buckets.set(job.state, b);
    this.sums.set(job.state, (this.sums.get(job.state) ?? 0) + seconds);
    this.counts.set(job.state, (this.counts.get(job.state) ?? 0) + 1);
  }

  /** The exposition text. */
  render(activeAttempts: number): string {
    const counts = this.store.countByState();
    const lines = ['# HELP sheetscale_jobs Jobs in the store by state.', '# TYPE sheetscale_jobs gauge'];
    for (const s of JOB_STATES) lines.push(`sheetscale_jobs{state="${s}"} ${counts[s]}`);
    lines.push('# HELP sheetscale_queue_depth Jobs waiting to run.', '# TYPE sheetscale_queue_depth gauge', `sheetscale_queue_depth ${counts.queued}`);
    lines.push('# HELP sheetscale_running_attempts Attempts running in this process.', '# TYPE sheetscale_running_attempts gauge', `sheetscale_running_attempts ${activeAttempts}`);
    lines.push('# HELP sheetscale_job_duration_seconds Run time of jobs finished by this process.', '# TYPE sheetscale_job_duration_seconds histogram');
    for (const [state, b] of this.buckets) {
      BUCKETS.forEach((le, i) => lines.push(`sheetscale_job_duration_seconds_bucket{state="${state}",le="${le}"} ${b[i]}`));
      lines.push(`sheetscale_job_duration_seconds_bucket{state="${state}",le="+Inf"} ${this.counts.get(state) ?? 0}`);
      lines.push(`sheetscale_job_duration_seconds_sum{state="${state}"} ${this.sums.get(state) ?? 0}`);
      lines.push(`sheetscale_job_duration_seconds_count{state="${state}"} ${this.counts.get(state) ?? 0}`);
    }
    return lines.join('\n') + '\n';
  }
}
