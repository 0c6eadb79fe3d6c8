namespace Shiming.Privacy;

internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "No encryption keys are configured: using generated development keys from the local application data folder. Never use them outside local development.")]
    public static partial void DevelopmentKeyInUse(ILogger logger);
}
