using System.Text.Json;
using Azure.Storage.Queues.Models;
using Shiming.Telemetry;

namespace Shiming.Jobs;

/// <summary>Records how a job ended: its output or its error, written once, then logged and counted.</summary>
public sealed class JobResults(FollowUps followUps, ShimingMetrics metrics, ILogger<JobResults> logger)
{
    private static readonly JsonSerializerOptions OutputJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Writes the job's final state (<c>Completed</c> with its output, or <c>Failed</c> with its error) and lets its
    /// message go, to the poison queue when <paramref name="poison"/>; or hands it over to the job its kind starts
    /// next. Skipped when the job changed meanwhile.
    /// </summary>
    public async Task<JobOutcome> FinishAsync(
        JobLine line, Job job, QueueMessage message, RecognitionOutcome outcome, CancellationToken cancellationToken, bool poison = false)
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
