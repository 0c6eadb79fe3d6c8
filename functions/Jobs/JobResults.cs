using System.Text.Json;
using Azure.Storage.Queues.Models;
using Polly;
using Polly.Retry;
using Shiming.Storage;
using Shiming.Telemetry;

namespace Shiming.Jobs;

/// <summary>
/// Records how a job ended: its output or its error, written once, then logged and counted. Baidu's answer is not
/// given up because storage is briefly away: the recording is tried again with backoff for about a minute and a half
/// (the drain keeps renewing the job's lease meanwhile), and each step may be done again (see <see cref="JobTransitions.FinishAsync"/>).
/// </summary>
public sealed class JobResults(FollowUps followUps, StorageAvailability storage, ShimingMetrics metrics, TimeProvider time, ILogger<JobResults> logger)
{
    private static readonly JsonSerializerOptions OutputJson = new(JsonSerializerDefaults.Web);

    // 1, 2, 4, 8 s and then every 15 s, with jitter: about 90 s in all, which rides out a storage outage of a minute
    // (each try also spends the SDK's own few retries); past it the job is left to its lease.
    private readonly ResiliencePipeline _recording = new ResiliencePipelineBuilder { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(StorageFaults.IsUnavailable),
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromSeconds(1),
            MaxDelay = TimeSpan.FromSeconds(15),
            MaxRetryAttempts = 9,
            UseJitter = true,
            OnRetry = args =>
            {
                // Only an outage is retried; StorageAvailability says it once, and each job's retries within it are detail.
                storage.Failed(args.Outcome.Exception!);
                Log.RecordingRetried(logger, args.Context.Properties.GetValue(JobKey, ""), args.Outcome.Exception!.GetType().Name, args.RetryDelay.TotalMilliseconds);
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    private static readonly ResiliencePropertyKey<string> JobKey = new("shiming.job.id");

    /// <summary>
    /// Writes the job's final state (<c>Completed</c> with its output, or <c>Failed</c> with its error) and lets its
    /// message go, to the poison queue when <paramref name="poison"/>; or hands it over to the job its kind starts
    /// next. Skipped when the job changed meanwhile.
    /// </summary>
    public async Task<JobOutcome> FinishAsync(
        JobLine line, Job job, QueueMessage message, RecognitionOutcome outcome, CancellationToken cancellationToken, bool poison = false)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(JobKey, job.Id);
        try
        {
            return await _recording.ExecuteAsync(
                static async (context, state) => await state.Self.RecordAsync(state.line, state.job, state.message, state.outcome, context.CancellationToken, state.poison),
                context,
                (Self: this, line, job, message, outcome, poison));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async Task<JobOutcome> RecordAsync(
        JobLine line, Job job, QueueMessage message, RecognitionOutcome outcome, CancellationToken cancellationToken, bool poison)
    {
        var finished = outcome switch
        {
            RecognitionOutcome.Recognized recognized => job with
            {
                Status = RuntimeStatus.Completed,
                OutputJson = JsonSerializer.Serialize(recognized.Output, recognized.Output.GetType(), OutputJson),
            },
            RecognitionOutcome.Rejected rejected => job with { Status = RuntimeStatus.Failed, Error = rejected.Error },
            _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
        };

        // A completed job whose kind starts another waits for that one (FollowUps) rather than ending now.
        if (finished.Status == RuntimeStatus.Completed && line.Api.FollowUpOf(finished) is { } next)
        {
            return await followUps.StartAsync(line, job, finished.OutputJson!, next, message, cancellationToken);
        }

        if (!await line.Transitions.FinishAsync(finished, message, poison, cancellationToken))
        {
            return JobOutcome.Skipped;
        }

        Log.JobFinished(logger, job.Id, finished.Status, finished.Error?.Code);
        metrics.JobFinished(job.Kind.Name, finished.Status == RuntimeStatus.Completed ? "completed" : "failed", finished.Error?.Code, poison, line.Api.ResultOf(finished));
        return JobOutcome.Finished;
    }
}
