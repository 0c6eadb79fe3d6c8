namespace Shiming.Baidu;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Baidu access token renewed; it expires at {ExpiresAt:o}")]
    public static partial void TokenRenewed(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Baidu's token endpoint refused the application keys: HTTP {Status}, {Error}")]
    public static partial void TokenRefused(ILogger logger, int status, string? error);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Baidu connections warmed: {Answered} of {Requested} answered")]
    public static partial void ConnectionsWarmed(ILogger logger, int requested, int answered);
}
