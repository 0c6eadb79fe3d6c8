namespace Shiming.Api;

internal static partial class Log
{
    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Function {FunctionName} failed")]
    public static partial void FunctionFailed(ILogger logger, Exception exception, string functionName);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Job {JobId} accepted ({Variant}, {ImageBytes} bytes)")]
    public static partial void Accepted(ILogger logger, string jobId, string variant, int imageBytes);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Resubmission answered with the existing job {JobId}")]
    public static partial void Deduplicated(ILogger logger, string jobId);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error, Message = "Storage failed while accepting a job: {Status} {ErrorCode}")]
    public static partial void SubmitStorageFailed(ILogger logger, int status, string? errorCode);
}
