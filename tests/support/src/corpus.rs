//! A benchmark corpus shared by the bindings' benchmarks: realistic TAXII 1.1 Poll
//! Responses of STIX 1.1.1 indicator packages (our own text, about 3 KB a block), so every
//! benchmark measures the same messages.

use taxii_core::*;

/// A realistic STIX 1.1.1 indicator package of about 3 KB; `n` makes each one distinct.
pub fn stix_indicator(n: usize) -> String {
    format!(
        r#"<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:stixCommon="http://stix.mitre.org/common-1" xmlns:indicator="http://stix.mitre.org/Indicator-2" xmlns:cybox="http://cybox.mitre.org/cybox-2" xmlns:cyboxCommon="http://cybox.mitre.org/common-2" xmlns:FileObj="http://cybox.mitre.org/objects#FileObject-2" xmlns:AddressObj="http://cybox.mitre.org/objects#AddressObject-2" xmlns:stixVocabs="http://stix.mitre.org/default_vocabularies-1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:bench="http://bench.example.invalid" id="bench:Package-{n:08}" version="1.1.1" timestamp="2014-01-01T00:00:00Z">
  <stix:STIX_Header>
    <stix:Title>Bench indicator package {n}</stix:Title>
    <stix:Package_Intent xsi:type="stixVocabs:PackageIntentVocab-1.0">Indicators - Watchlist</stix:Package_Intent>
    <stix:Description>Watchlist entry {n}: a file dropped by a phishing campaign &amp; the address it calls home to.</stix:Description>
  </stix:STIX_Header>
  <stix:Indicators>
    <stix:Indicator xsi:type="indicator:IndicatorType" id="bench:Indicator-{n:08}" timestamp="2014-01-01T00:00:00Z">
      <indicator:Title>Malicious dropper {n} and its C2</indicator:Title>
      <indicator:Type xsi:type="stixVocabs:IndicatorTypeVocab-1.1">File Hash Watchlist</indicator:Type>
      <indicator:Type xsi:type="stixVocabs:IndicatorTypeVocab-1.1">IP Watchlist</indicator:Type>
      <indicator:Description>Seen in mail attachments named "invoice-{n}.doc"; the macro fetches the dropper, which beacons to the address below every 300 s.</indicator:Description>
      <indicator:Valid_Time_Position>
        <indicator:Start_Time precision="second">2014-01-01T00:00:00Z</indicator:Start_Time>
        <indicator:End_Time precision="second">2014-07-01T00:00:00Z</indicator:End_Time>
      </indicator:Valid_Time_Position>
      <indicator:Composite_Indicator_Expression operator="OR">
        <indicator:Indicator id="bench:Indicator-{n:08}-file">
          <indicator:Observable id="bench:Observable-{n:08}-file">
            <cybox:Object id="bench:File-{n:08}">
              <cybox:Properties xsi:type="FileObj:FileObjectType">
                <FileObj:File_Name condition="Equals">dropper-{n}.exe</FileObj:File_Name>
                <FileObj:Size_In_Bytes condition="Equals">{size}</FileObj:Size_In_Bytes>
                <FileObj:Hashes>
                  <cyboxCommon:Hash>
                    <cyboxCommon:Type xsi:type="cyboxCommon:HashNameVocab-1.0">MD5</cyboxCommon:Type>
                    <cyboxCommon:Simple_Hash_Value condition="Equals">{md5:032x}</cyboxCommon:Simple_Hash_Value>
                  </cyboxCommon:Hash>
                  <cyboxCommon:Hash>
                    <cyboxCommon:Type xsi:type="cyboxCommon:HashNameVocab-1.0">SHA256</cyboxCommon:Type>
                    <cyboxCommon:Simple_Hash_Value condition="Equals">{md5:032x}{md5:032x}</cyboxCommon:Simple_Hash_Value>
                  </cyboxCommon:Hash>
                </FileObj:Hashes>
              </cybox:Properties>
            </cybox:Object>
          </indicator:Observable>
        </indicator:Indicator>
        <indicator:Indicator id="bench:Indicator-{n:08}-c2">
          <indicator:Observable id="bench:Observable-{n:08}-c2">
            <cybox:Object id="bench:Address-{n:08}">
              <cybox:Properties xsi:type="AddressObj:AddressObjectType" category="ipv4-addr">
                <AddressObj:Address_Value condition="Equals">198.51.{a}.{b}</AddressObj:Address_Value>
              </cybox:Properties>
            </cybox:Object>
          </indicator:Observable>
        </indicator:Indicator>
      </indicator:Composite_Indicator_Expression>
      <indicator:Kill_Chain_Phases>
        <stixCommon:Kill_Chain_Phase phase_id="stix:TTP-af1016d6-a744-4ed7-ac91-00fe2272185a" name="Delivery" ordinality="3" kill_chain_id="stix:TTP-af3e707f-2fb9-49e5-8c37-14026ca0a5ff" kill_chain_name="LM Cyber Kill Chain"/>
        <stixCommon:Kill_Chain_Phase phase_id="stix:TTP-d6dc32b9-2538-4951-8733-3cb9ef1daae2" name="Command and Control" ordinality="6" kill_chain_id="stix:TTP-af3e707f-2fb9-49e5-8c37-14026ca0a5ff" kill_chain_name="LM Cyber Kill Chain"/>
      </indicator:Kill_Chain_Phases>
      <indicator:Confidence timestamp="2014-01-01T00:00:00Z">
        <stixCommon:Value xsi:type="stixVocabs:HighMediumLowVocab-1.0">High</stixCommon:Value>
      </indicator:Confidence>
      <indicator:Producer>
        <stixCommon:Identity>
          <stixCommon:Name>Bench CERT</stixCommon:Name>
        </stixCommon:Identity>
      </indicator:Producer>
    </stix:Indicator>
  </stix:Indicators>
</stix:STIX_Package>"#,
        size = 40_000 + n,
        md5 = (n as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834),
        a = n / 256 % 256,
        b = n % 256,
    )
}

/// A 1.1 Poll Response with `blocks` STIX content blocks.
pub fn poll_response(blocks: usize) -> Message {
    let content_blocks = (0..blocks)
        .map(|n| {
            let mut block =
                ContentBlock::new(ids::content::STIX_XML_111, Payload::xml(stix_indicator(n)));
            block.timestamp_label =
                Some(Timestamp::parse("2014-01-01T00:00:00.123456Z").expect("valid"));
            block
        })
        .collect();
    let mut message = Message::new(
        Version::V11,
        "bench-response",
        Body::PollResponse(PollResponse {
            collection_name: "bench".into(),
            subscription_id: None,
            exclusive_begin: None,
            inclusive_begin: None,
            inclusive_end: Some(Timestamp::parse("2014-01-02T00:00:00Z").expect("valid")),
            more: false,
            result_id: None,
            result_part_number: None,
            record_count: Some(RecordCount {
                count: blocks as u64,
                partial: false,
            }),
            message: None,
            content_blocks,
        }),
    );
    message.header.in_response_to = Some("bench-request".into());
    message
}
