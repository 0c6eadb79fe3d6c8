using System.Text.Json;

namespace Shiming.Baidu;

/// <summary>What a failed Baidu call means for the caller: the classes the job engine acts on, never a raw code.</summary>
public enum BaiduErrorClass
{
    /// <summary>Transport faults, timeouts, unreadable answers and Baidu's own errors: a later try may succeed.</summary>
    Transient,

    /// <summary>Error 18: more calls a second than the account may make.</summary>
    RateLimited,

    /// <summary>Error 17: the API's daily quota is used up until midnight, Beijing time.</summary>
    DailyQuota,

    /// <summary>Error 19: the API's total quota is used up until it is renewed.</summary>
    TotalQuota,

    /// <summary>Errors 100, 110 and 111, or keys the token endpoint refuses.</summary>
    Token,

    /// <summary>The image: empty, not a format Baidu reads, outside its size limits, or not decodable.</summary>
    ImageRejected,

    /// <summary>The request: a parameter, a permission, or a rule of the API.</summary>
    RequestRejected,

    /// <summary>The image is not the document the API reads (error 216633: no ID card in it).</summary>
    WrongDocument,

    /// <summary>Error 6: the application may not call this API (not ticked on it, or the account not verified for it).</summary>
    NotPermitted,

    /// <summary>The authority's answer to an identity check: the name and number do not belong together, or no such number.</summary>
    IdentityNotConfirmed,

    /// <summary>The authority has no answer for this identity (its data source returned nothing).</summary>
    IdentityUnknown,
}

/// <summary>
/// The one classification of Baidu's error codes (the OCR, moderation and identity-check error tables share their
/// codes). Where an API gives a code a meaning of its own, the stricter class is taken: a code that any API uses for
/// bad input is bad input.
/// </summary>
public static class BaiduErrors
{
    public static BaiduErrorClass Classify(int errorCode) => errorCode switch
    {
        18 => BaiduErrorClass.RateLimited,
        6 => BaiduErrorClass.NotPermitted,
        222351 or 222354 or 222360 or 216601 => BaiduErrorClass.IdentityNotConfirmed,
        222355 => BaiduErrorClass.IdentityUnknown,
        222001 or 222022 or 222023 or 222352 or 222353 or 216600 => BaiduErrorClass.RequestRejected,
        17 => BaiduErrorClass.DailyQuota,
        19 => BaiduErrorClass.TotalQuota,
        100 or 110 or 111 => BaiduErrorClass.Token,
        216633 => BaiduErrorClass.WrongDocument,
        (>= 216200 and <= 216203) or 282002 or 282100 or (>= 282203 and <= 282205) or 282810 => BaiduErrorClass.ImageRejected,
        216100 or 216101 or 216103 or 282003 or (>= 282801 and <= 282999) => BaiduErrorClass.RequestRejected,
        _ => BaiduErrorClass.Transient,
    };

    /// <summary>The class of whatever a call threw: a Baidu error by its code, anything else transient.</summary>
    public static BaiduErrorClass Classify(Exception exception) =>
        exception is BaiduApiException baidu ? Classify(baidu.ErrorCode) : BaiduErrorClass.Transient;

    /// <summary>True for what a try may meet and a later one not: transport faults, timeouts, garbled answers.</summary>
    public static bool IsTransportFault(Exception exception) => exception is HttpRequestException or TimeoutException or JsonException;

    /// <summary>The input's fault: no retry helps, the caller must send something else.</summary>
    public static bool IsInputFault(this BaiduErrorClass errorClass) =>
        errorClass is BaiduErrorClass.ImageRejected or BaiduErrorClass.RequestRejected or BaiduErrorClass.WrongDocument;

    /// <summary>
    /// The outcome an operator tells calls apart by (<c>shiming.baidu.calls</c>): <c>success</c>, <c>qps_refused</c>,
    /// <c>quota</c>, <c>token</c>, <c>transient</c> or <c>input</c>.
    /// </summary>
    public static string OutcomeName(this BaiduErrorClass? errorClass) => errorClass switch
    {
        null => "success",
        BaiduErrorClass.RateLimited => "qps_refused",
        BaiduErrorClass.DailyQuota or BaiduErrorClass.TotalQuota or BaiduErrorClass.NotPermitted => "quota",
        BaiduErrorClass.IdentityNotConfirmed or BaiduErrorClass.IdentityUnknown => "success",
        BaiduErrorClass.Token => "token",
        { } c when c.IsInputFault() => "input",
        _ => "transient",
    };
}
