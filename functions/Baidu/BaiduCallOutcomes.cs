namespace Shiming.Baidu;

/// <summary>The classes an operator tells Baidu's answers apart by: what the budget, the keys or the input did.</summary>
public static class BaiduCallOutcomes
{
    public const string Success = "success";

    /// <summary>Error 18: more calls a second than the account may make.</summary>
    public const string QpsRefused = "qps_refused";

    /// <summary>Errors 17 and 19: the daily or the total quota is used up.</summary>
    public const string Quota = "quota";

    /// <summary>Errors 100, 110 and 111, or keys the token endpoint refuses.</summary>
    public const string Token = "token";

    /// <summary>Faults that a later try may not meet: transport, timeouts, Baidu's own errors.</summary>
    public const string Transient = "transient";

    /// <summary>The image or the request: not a card, unreadable, too large, bad parameters.</summary>
    public const string Input = "input";

    public static string Of(Exception exception) => exception switch
    {
        BaiduApiException { ErrorCode: 18 } => QpsRefused,
        BaiduApiException { ErrorCode: 17 or 19 } => Quota,
        BaiduApiException { ErrorCode: 100 or 110 or 111 } => Token,
        BaiduApiException { ErrorCode: 216633 or (>= 216200 and <= 216203) or 216100 or 216101 or 216103 or 282003 } => Input,
        _ => Transient, // other Baidu errors, transport faults, timeouts, unreadable answers
    };
}
