using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using Shiming.Baidu;
using Shiming.Budget;
using Shiming.Telemetry;

namespace Shiming.Jobs;

/// <summary>
/// What a call that did not bring an answer means for its job, by Baidu's class of error: the rate refused (the job
/// goes back at once and the budget slows down), a quota used up (every call of the kind waits, and says why), the
/// input at fault (the job fails with the kind's error), or a fault a later try may not meet (retried with backoff
/// until the attempts run out, then failed and poisoned).
/// </summary>
public sealed class CallOutcomes(JobResults results, IOptions<JobOptions> options, TimeProvider time, ILogger<CallOutcomes> logger)
{
    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    /// <summary>How a failure is counted in telemetry: its class, and a Baidu error's code as the span's error type.</summary>
    public static CallFailure Describe(Exception exception) => new(
        ((BaiduErrorClass?)BaiduErrors.Classify(exception)).OutcomeName(),
        exception is BaiduApiException baidu ? $"baidu_{baidu.ErrorCode}" : exception.GetType().Name);

    /// <summary>The call threw: a Baidu error (by its class) or a transport fault.</summary>
    public async Task<JobOutcome> FailedAsync(JobLine line, Job job, QueueMessage message, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BaiduApiException baidu)
        {
            Log.TransportFault(logger, job.Id, exception.GetType().Name);
            return await RetryOrFailAsync(line, job, message, cancellationToken);
        }

        Log.BaiduError(logger, job.Id, baidu.ErrorCode);
        var errors = line.Api.Errors;
        var errorClass = BaiduErrors.Classify(baidu.ErrorCode);
        if (line.Api.Answer(job, errorClass) is { } answer)
        {
            return await results.FinishAsync(line, job, message, answer, cancellationToken);
        }

        switch (errorClass)
        {
            case BaiduErrorClass.RateLimited:
                await line.Budget.RefusedAsync(cancellationToken);
                return await GiveBackAsync(line, job, message, cancellationToken);
            case BaiduErrorClass.DailyQuota:
                return await PauseAsync(line, job, message, new BudgetPause(NextBeijingMidnight(), $"Baidu's daily quota for {line.Kind.Description} is used up; recognition resumes at midnight Beijing time."), cancellationToken);
            case BaiduErrorClass.NotPermitted:
                return await PauseAsync(line, job, message, new BudgetPause(time.GetUtcNow().AddHours(1), $"The Baidu application may not call {line.Kind.Description}: tick the API on the application (and verify the account where Baidu requires it); checked every hour."), cancellationToken);
            case BaiduErrorClass.TotalQuota:
                return await PauseAsync(line, job, message, new BudgetPause(time.GetUtcNow().AddHours(1), $"Baidu's total quota for {line.Kind.Description} is used up; recognition resumes once the quota is renewed (checked every hour)."), cancellationToken);
            case BaiduErrorClass.ImageRejected:
                return await results.FinishAsync(line, job, message, new RecognitionOutcome.Rejected(errors.ImageUnreadable), cancellationToken);
            case BaiduErrorClass.WrongDocument:
                return await results.FinishAsync(line, job, message, new RecognitionOutcome.Rejected(errors.WrongDocument ?? errors.ImageUnreadable), cancellationToken);
            case BaiduErrorClass.RequestRejected:
                return await results.FinishAsync(line, job, message, new RecognitionOutcome.Rejected(errors.ProviderRejected), cancellationToken);
            default:
                return await RetryOrFailAsync(line, job, message, cancellationToken);
        }
    }

    /// <summary>
    /// A job whose call did not start (the worker stopping, a refusal, a quota pause) goes back to its place in line,
    /// not counted as an attempt; after a pause it is seen again when the pause ends.
    /// </summary>
    public async Task<JobOutcome> GiveBackAsync(JobLine line, Job job, QueueMessage message, CancellationToken cancellationToken, bool afterPause = false)
    {
        var delay = TimeSpan.Zero;
        if (afterPause && await line.Budget.GetPauseAsync(cancellationToken) is { } pause)
        {
            delay = pause.Until - time.GetUtcNow();
        }

        return await ReturnAsync(line, job with { Attempts = job.Attempts - 1 }, message, delay, cancellationToken);
    }

    /// <summary>Quota errors (17, 19): no call starts until the quota is back; jobs wait, and say why.</summary>
    private async Task<JobOutcome> PauseAsync(JobLine line, Job job, QueueMessage message, BudgetPause pause, CancellationToken cancellationToken)
    {
        Log.QuotaExhausted(logger, pause.Until, pause.Reason);
        await line.Budget.PauseAsync(pause, cancellationToken);
        return await ReturnAsync(line, job with { Attempts = job.Attempts - 1 }, message, pause.Until - time.GetUtcNow(), cancellationToken);
    }

    private async Task<JobOutcome> RetryOrFailAsync(JobLine line, Job job, QueueMessage message, CancellationToken cancellationToken)
    {
        if (job.Attempts >= options.Value.MaxAttempts)
        {
            return await results.FinishAsync(line, job, message, line.Api.Unanswered(job), cancellationToken, poison: true);
        }

        // Exponential backoff with full jitter: 1–2 s, 2–4 s, 4–8 s, … capped at a minute.
        var baseDelay = Math.Min(60, Math.Pow(2, job.Attempts - 1));
        var backoff = TimeSpan.FromSeconds(baseDelay * (1 + Random.Shared.NextDouble()));
        return await ReturnAsync(line, job, message, backoff, cancellationToken);
    }

    private static async Task<JobOutcome> ReturnAsync(JobLine line, Job job, QueueMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        await line.Transitions.ReturnAsync(job, message, delay, cancellationToken);
        return JobOutcome.Returned;
    }

    private DateTimeOffset NextBeijingMidnight()
    {
        var beijing = time.GetUtcNow().ToOffset(BeijingOffset);
        return new DateTimeOffset(beijing.Date.AddDays(1), BeijingOffset).ToUniversalTime();
    }
}

/// <summary>What became of a job a drain took.</summary>
public enum JobOutcome
{
    Finished,
    Returned,
    Skipped,

    /// <summary>Storage stayed away: the job is left to come back when its lease runs out.</summary>
    Left,
}
