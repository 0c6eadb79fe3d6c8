namespace Shiming.Jobs;

internal static partial class Log
{
    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Job {JobId} finished: {Status} {ErrorCode}")]
    public static partial void JobFinished(ILogger logger, string jobId, RuntimeStatus status, string? errorCode);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Baidu answered error {ErrorCode} for job {JobId}")]
    public static partial void BaiduError(ILogger logger, string jobId, int errorCode);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Transport fault ({Fault}) calling Baidu for job {JobId}")]
    public static partial void TransportFault(ILogger logger, string jobId, string fault);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Dropped unreadable queue message {MessageId}")]
    public static partial void UnreadableMessage(ILogger logger, string messageId);

    /// <summary>Information when the run took jobs; Debug when it found none, so an idle app does not log every tick.</summary>
    [LoggerMessage(EventId = 3006, Message = "Drain took {Taken} jobs: {Finished} finished, {Returned} returned")]
    public static partial void Drained(ILogger logger, LogLevel level, int taken, int finished, int returned);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "Retention purged {Count} jobs not updated since {Cutoff:o}")]
    public static partial void RetentionPurged(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Error, Message = "Baidu's quota is used up; no call starts until {Until:o}: {Reason}")]
    public static partial void QuotaExhausted(ILogger logger, DateTimeOffset until, string reason);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "Moved queue message {MessageId} to the poison queue: it is not Base64")]
    public static partial void UndecodableMessage(ILogger logger, string messageId);

    /// <summary>
    /// When the drain let a call go, logged once it is over so that nothing stands between the start and the send; with
    /// Baidu's arrival times (the emulator's call log) it measures the spread on the way. The first byte's time is NaN
    /// when nothing was written (the connection failed first).
    /// </summary>
    [LoggerMessage(EventId = 3012, Level = LogLevel.Debug, Message = "Baidu call for job {JobId} started at {StartedAt:o} for the start time {Slot:o}, its first byte written {WrittenMilliseconds:0.00} ms after the start")]
    public static partial void CallStarted(ILogger logger, string jobId, DateTimeOffset startedAt, DateTimeOffset slot, double writtenMilliseconds);

    /// <summary>A job taken but not started when the worker was told to stop, given back to the line at once.</summary>
    [LoggerMessage(EventId = 3017, Level = LogLevel.Debug, Message = "Job {JobId} given back: the worker is stopping")]
    public static partial void GivenBackOnStop(ILogger logger, string jobId);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Information, Message = "Drain paused until {Until:o}: {Reason}")]
    public static partial void DrainPaused(ILogger logger, DateTimeOffset until, string reason);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Information, Message = "Job {JobId} handed over to its follow-up {FollowUpKind} job {FollowUpId}")]
    public static partial void FollowUpStarted(ILogger logger, string jobId, string followUpKind, string followUpId);

    [LoggerMessage(EventId = 3031, Level = LogLevel.Warning, Message = "Job message {MessageId} is no longer held by this drain: its lease ran out before it could be renewed")]
    public static partial void LeaseLost(ILogger logger, string messageId);

    [LoggerMessage(EventId = 3032, Level = LogLevel.Debug, Message = "Lease of job message {MessageId} not renewed this time ({Fault}); tried again shortly")]
    public static partial void LeaseNotRenewed(ILogger logger, string messageId, string fault);

    [LoggerMessage(EventId = 3033, Level = LogLevel.Warning, Message = "Job {JobId} taken again with no outcome recorded for its earlier call; Baidu is called again")]
    public static partial void TakenAgain(ILogger logger, string jobId);

    [LoggerMessage(EventId = 3034, Level = LogLevel.Debug, Message = "Job {JobId}'s outcome not recorded yet ({Fault}); trying again in {DelayMilliseconds:0} ms")]
    public static partial void RecordingRetried(ILogger logger, string jobId, string fault, double delayMilliseconds);
}
