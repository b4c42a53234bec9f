/// The script the engine tests drive: one listening state with every trigger kind,
/// a slot state, a webhook-waiting state, global handlers and a side question.
let engineTestScript = """
    script: engine-test
    version: 1
    dispositions: [no_done, agent, dnc, no_response, hung_up, angry, asr, paid, failed]
    tags: [dnc, asked]
    defaults: {no_input_timeout_ms: 4000, hangup_disposition: hung_up}
    variables: [name]
    webhooks:
      crm: {url: "http://127.0.0.1:9/crm"}
    prompts:
      ask: {file: ask.wav, text: "Hi {name}, yes or no?"}
      again1: {file: again1.wav, text: "Sorry?"}
      again2: {file: again2.wav, text: "Yes or no, please."}
      silent1: {file: silent1.wav, text: "Still there?"}
      bye: {file: bye.wav, text: "Bye."}
      price: {file: price.wav, text: "It is free."}
      back: {file: back.wav, text: "So, yes or no?"}
      digits: {file: digits.wav, text: "Enter four digits."}
    intents:
      yes: [yes, yeah, sure]
      no: [no, nope, nah]
      price: [how much, price, cost]
      human: [agent, human, person]
      stop: [stop calling, go away, remove me]
      again: [repeat, say again, pardon]
    global:
      - intent: stop
        tag: dnc
        play: bye
        hangup: dnc
      - intent: human
        transfer: {uri: "sip:agent@127.0.0.1", disposition: agent}
      - intent: again
        repeat: true
    side_questions:
      - intent: price
        tag: asked
        play: price
    states:
      ask:
        play: ask
        resume: back
        on:
          - intent: "yes"
            goto: pin
          - intent: "no"
            play: bye
            hangup: no_done
          - dtmf: "9"
            goto: pin
          - emotion: angry
            hangup: angry
          - asr_error: true
            hangup: asr
        no_match: {reprompts: [again1, again2], then: {play: bye, hangup: no_response}}
        no_input: {reprompts: [silent1], then: {hangup: no_response}}
      pin:
        play: digits
        slot: {name: pin, type: digits, length: 4}
        on:
          - slot_filled: true
            goto: sending
      sending:
        do: [{webhook: crm, payload: {pin: "{pin}", who: "{name}"}}]
        on:
          - webhook_result: crm
            ok: true
            hangup: paid
          - webhook_result: crm
            ok: false
            hangup: failed
    """
