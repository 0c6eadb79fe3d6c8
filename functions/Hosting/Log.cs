namespace Shiming.Hosting;

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Timer function {FunctionName} scheduled in-process on {Schedule}")]
    public static partial void TimerScheduled(ILogger logger, string functionName, string schedule);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Timer function {FunctionName} failed")]
    public static partial void TimerFunctionFailed(ILogger logger, Exception exception, string functionName);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Running as a Functions custom handler on port {Port}")]
    public static partial void RunningAsCustomHandler(ILogger logger, int port);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Running standalone; timer functions run in-process")]
    public static partial void RunningStandalone(ILogger logger);
}
