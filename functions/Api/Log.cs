namespace Shiming.Api;

internal static partial class Log
{
    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Function {FunctionName} failed")]
    public static partial void FunctionFailed(ILogger logger, Exception exception, string functionName);
}
