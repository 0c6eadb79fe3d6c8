namespace Shiming.BaiduEmulator;

/// <summary>One call the emulator received, as tests and benchmarks need it: no image, no recognised text.</summary>
/// <param name="ArrivedAt">When the call arrived, by the emulator's clock.</param>
/// <param name="Endpoint">The API called, such as <c>idcard</c>, <c>general_basic</c> or <c>user_defined</c> (see <see cref="EmulatorApis"/>).</param>
/// <param name="Side">The <c>id_card_side</c> the caller declared, if any.</param>
/// <param name="ErrorCode">The <c>error_code</c> answered, or null for a success body (and for faults without a Baidu body).</param>
/// <param name="ImageStatus">The <c>image_status</c> answered, or null for an error body.</param>
/// <param name="Fault">
/// What the emulator injected (see <see cref="EmulatorFaults"/>), or null for a genuine answer: an error 18 with a null
/// fault means the caller really exceeded the QPS limit; one with <c>qps_burst</c> was injected.
/// </param>
/// <param name="ConclusionType">The moderation API's <c>conclusionType</c> answered (1–4), or null for other APIs and error bodies.</param>
/// <param name="VerifyStatus">The identity check with validity (<c>idmatch_date</c>)'s <c>verify_status</c>, or null.</param>
/// <param name="Subject">
/// For an identity check, a hash of the ID number asked about, keyed with a secret of this emulator run
/// (<see cref="BaiduEmulatorHost.SubjectOf"/> gives a number's): calls about one person can be told apart, the
/// number cannot be recovered. Never the name or the number itself.
/// </param>
/// <param name="AnsweredAt">
/// When the answer was sent (after any injected latency) or the connection aborted, by the emulator's clock; null when
/// the client gave up first.
/// </param>
public sealed record EmulatorCall(
    DateTimeOffset ArrivedAt,
    string Endpoint,
    string? Side,
    int? ErrorCode,
    string? ImageStatus,
    string? Fault = null,
    DateTimeOffset? AnsweredAt = null,
    int? ConclusionType = null,
    int? VerifyStatus = null,
    string? Subject = null);
