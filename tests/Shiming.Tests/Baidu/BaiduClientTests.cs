using System.Text;
using System.Text.Json;
using System.Web;
using Shiming.Baidu;
using Shiming.IdCards;

namespace Shiming.Tests.Baidu;

[TestClass]
public sealed class BaiduClientTests
{
    [TestMethod]
    public void The_form_body_carries_the_side_and_the_image_as_Base64_percent_encoded_once()
    {
        // Bytes chosen so that their Base64 holds '+', '/' and '=' padding.
        byte[] image = [0xFB, 0xFF, 0xBF, 0x00, 0x01];

        var form = Encoding.ASCII.GetString(BaiduClient.BuildIdCardForm(image, back: true));

        var fields = HttpUtility.ParseQueryString(form);
        Assert.AreEqual("back", fields["id_card_side"]);
        Assert.AreEqual(Convert.ToBase64String(image), fields["image"]);
        Assert.DoesNotContain("+", form);
        Assert.DoesNotContain("/", form);
        Assert.DoesNotContain("%25", form, "Base64 must not be encoded twice");
    }

    [TestMethod]
    public void The_form_body_of_a_photo_sized_image_is_built_without_the_length_limit_of_FormUrlEncodedContent()
    {
        var image = new byte[3 * 1024 * 1024];
        new Random(1).NextBytes(image);

        var form = BaiduClient.BuildIdCardForm(image, back: false);

        var fields = HttpUtility.ParseQueryString(Encoding.ASCII.GetString(form));
        CollectionAssert.AreEqual(image, Convert.FromBase64String(fields["image"]!));
    }

    [TestMethod]
    [DataRow("""{"log_id": 1752541486675194419}""", 1752541486675194419UL)]
    [DataRow("""{"log_id": "1559208562721579319"}""", 1559208562721579319UL)]
    [DataRow("""{"log_id": 18446744073709551615}""", ulong.MaxValue)]
    public void The_log_id_is_read_exactly_as_a_number_or_a_string(string json, ulong expected) =>
        Assert.AreEqual(expected, JsonSerializer.Deserialize<BaiduIdCardResponse>(json)!.LogId);

    [TestMethod]
    public void An_error_body_is_read_as_an_error()
    {
        var response = JsonSerializer.Deserialize<BaiduIdCardResponse>("""{"error_code": 18, "error_msg": "Open api qps request limit reached"}""")!;

        Assert.AreEqual(18, response.ErrorCode);
        Assert.IsNull(response.WordsResult);
    }
}
