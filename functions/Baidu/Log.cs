namespace Shiming.Baidu;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Baidu access token renewed; it expires at {ExpiresAt:o}")]
    public static partial void TokenRenewed(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Baidu's token endpoint refused the application keys: HTTP {Status}, {Error}")]
    public static partial void TokenRefused(ILogger logger, int status, string? error);
}
