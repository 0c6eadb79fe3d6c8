using System.Text.Json;
using Microsoft.Extensions.Options;
using Shiming.Baidu;
using Shiming.Hosting;
using Shiming.Storage;

namespace Shiming.Verifications;

/// <summary>
/// The <c>DrainVerifications</c> timer function: takes up to <c>Baidu__QpsLimit</c> queued jobs, sends each
/// image to Baidu at the paced rate, writes the result, then deletes the image and the message.
/// </summary>
public sealed class VerificationDrain(
    VerificationStore store,
    BaiduOcrClient baidu,
    CallPacer pacer,
    IOptionsMonitor<BaiduOptions> baiduOptions,
    IOptions<VerificationOptions> options,
    TimeProvider time,
    ILogger<VerificationDrain> logger) : ITimerFunction
{
    private static readonly JsonSerializerOptions OutputJson = new(JsonSerializerDefaults.Web);

    public async Task<TimerFunctionResult> RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        var messages = await store.TakeAsync(baiduOptions.CurrentValue.QpsLimit, options.Value.ProcessingLease, cancellationToken);
        if (messages.Count == 0)
        {
            return TimerFunctionResult.Empty;
        }

        var running = new List<Task<JobOutcome>>(messages.Count);
        foreach (var message in messages)
        {
            running.Add(ProcessAsync(message, cancellationToken));
        }

        var outcomes = await Task.WhenAll(running);
        var summary = $"Took {messages.Count} jobs: {outcomes.Count(o => o == JobOutcome.Finished)} finished, {outcomes.Count(o => o == JobOutcome.Returned)} returned to the queue, {outcomes.Count(o => o == JobOutcome.Skipped)} skipped.";
        Log.Drained(logger, messages.Count, outcomes.Count(o => o == JobOutcome.Finished), outcomes.Count(o => o == JobOutcome.Returned));
        return new TimerFunctionResult([summary]);
    }

    private async Task<JobOutcome> ProcessAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        if (JobMessage.TryParse(message.MessageText) is not { } pointer)
        {
            Log.UnreadableMessage(logger, message.MessageId);
            await store.CompleteMessageAsync(message, cancellationToken);
            return JobOutcome.Skipped;
        }

        var job = await store.FindAsync(pointer.Account, pointer.Id, cancellationToken);
        if (job is null || job.Status.IsTerminal())
        {
            // Purged, or finished by an earlier run that stopped before it could clean up.
            await store.DeleteImageAsync(pointer.Id, cancellationToken);
            await store.CompleteMessageAsync(message, cancellationToken);
            return JobOutcome.Skipped;
        }

        var running = await store.TryUpdateAsync(job with { Status = RuntimeStatus.Running, Attempts = job.Attempts + 1 }, cancellationToken);
        if (running is null)
        {
            return JobOutcome.Skipped; // changed under us (terminated or purged); the next take sees its new state
        }

        var image = await store.GetImageAsync(running.Id, cancellationToken);
        if (image is null)
        {
            return await FinishAsync(running, message, new RecognitionOutcome.Rejected(IdCardResultMapper.Errors.ImageMissing), cancellationToken);
        }

        await pacer.WaitForTurnAsync(cancellationToken);
        try
        {
            var response = await baidu.RecognizeIdCardAsync(image.ToMemory(), running.Side, cancellationToken);
            return await FinishAsync(running, message, IdCardResultMapper.Map(response, running.Side, time.GetUtcNow()), cancellationToken);
        }
        catch (BaiduApiException ex)
        {
            Log.BaiduError(logger, running.Id, ex.ErrorCode);
            return ex.ErrorCode switch
            {
                18 => await ReturnAsync(running, message, TimeSpan.FromSeconds(1), countAttempt: false, cancellationToken),
                17 or 19 => await ReturnAsync(running, message, TimeSpan.FromMinutes(5), countAttempt: false, cancellationToken),
                216633 => await FinishAsync(running, message, new RecognitionOutcome.Rejected(IdCardResultMapper.Errors.NotAnIdCard), cancellationToken),
                216200 or 216201 or 216202 or 216203 => await FinishAsync(running, message, new RecognitionOutcome.Rejected(IdCardResultMapper.Errors.ImageUnreadable), cancellationToken),
                216100 or 216101 or 216103 or 282003 => await FinishAsync(running, message, new RecognitionOutcome.Rejected(IdCardResultMapper.Errors.ProviderRejected), cancellationToken),
                _ => await RetryOrFailAsync(running, message, cancellationToken),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
        {
            Log.TransportFault(logger, running.Id, ex.GetType().Name);
            return await RetryOrFailAsync(running, message, cancellationToken);
        }
    }

    private async Task<JobOutcome> RetryOrFailAsync(VerificationJob job, QueueMessage message, CancellationToken cancellationToken)
    {
        if (job.Attempts >= options.Value.MaxAttempts)
        {
            return await FinishAsync(job, message, new RecognitionOutcome.Rejected(IdCardResultMapper.Errors.ProviderUnavailable), cancellationToken);
        }

        var backoff = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, job.Attempts)));
        return await ReturnAsync(job, message, backoff, countAttempt: true, cancellationToken);
    }

    private async Task<JobOutcome> ReturnAsync(VerificationJob job, QueueMessage message, TimeSpan delay, bool countAttempt, CancellationToken cancellationToken)
    {
        var attempts = countAttempt ? job.Attempts : job.Attempts - 1;
        await store.TryUpdateAsync(job with { Status = RuntimeStatus.Pending, Attempts = attempts }, cancellationToken);
        await store.ReleaseMessageAsync(message, delay, cancellationToken);
        return JobOutcome.Returned;
    }

    private async Task<JobOutcome> FinishAsync(VerificationJob job, QueueMessage message, RecognitionOutcome outcome, CancellationToken cancellationToken)
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

        // The result is written once, guarded by the ETag; then the image and the message go.
        if (await store.TryUpdateAsync(finished, cancellationToken) is null)
        {
            return JobOutcome.Skipped;
        }

        Log.JobFinished(logger, job.Id, finished.Status, finished.Error?.Code);
        await store.DeleteImageAsync(job.Id, cancellationToken);
        await store.CompleteMessageAsync(message, cancellationToken);
        return JobOutcome.Finished;
    }

    private enum JobOutcome
    {
        Finished,
        Returned,
        Skipped,
    }
}
