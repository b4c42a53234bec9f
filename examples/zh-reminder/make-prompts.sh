#!/usr/bin/env bash
# Generates the Chinese reminder's placeholder prompt recordings with espeak-ng
# (Mandarin voice), as 8 kHz mono G.711 µ-law WAV files under prompts/. The transcripts
# below are what each file says; they match the `text:` of payment-reminder.yaml.
# Needs: espeak-ng, sox. Idempotent: existing files are kept (use --force to redo).
set -euo pipefail
cd "$(dirname "$0")"
force=${1:-}
voice=${ESPEAK_VOICE:-cmn}
mkdir -p prompts/say

say() {  # say FILE TEXT
  local out=prompts/$1 text=$2
  [ -f "$out" ] && [ "$force" != "--force" ] && return 0
  local tmp; tmp=$(mktemp --suffix=.wav)
  espeak-ng -v "$voice" -s 160 -w "$tmp" "$text"
  sox "$tmp" -r 8000 -c 1 -e u-law "$out" gain -n -3 silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
  rm -f "$tmp"
}

say greeting.wav "您好，这里是顺达银行信用卡中心。"
say ask-last4.wav "为了确认您的身份，请说出或按键输入您手机号码的后四位。"
say checking.wav "好的，请稍等，正在核对。"
say verify-failed.wav "抱歉，核对没有通过。我们稍后会再与您联系，再见。"
say reminder-1.wav "您本期账单金额为"
say reminder-2.wav "元，将于到期日到期。请问您今天可以还款吗？今天还款请按1，改天还款请按2。"
say ask-date.wav "请问您打算哪天还款？请按年月日输入八位数字，例如二零二六年十二月一日，输入二零二六一二零一。"
say thanks-today.wav "好的，感谢您的配合，祝您生活愉快，再见。"
say thanks-later.wav "好的，已为您记录还款日期。感谢您的配合，再见。"
say dispute.wav "明白了，我为您转接人工客服核实，请稍候。"
say dnc.wav "好的，我们以后不再给您打电话，打扰了，再见。"
say not-understood.wav "抱歉，我没有听清楚，请再说一遍。"
say still-there.wav "您好，请问您还在吗？"
say goodbye-later.wav "我们稍后再联系您，再见。"

# Digits for `say: … as: digits` (say/digit-N.wav): 零 一 二 三 四 五 六 七 八 九.
digits=(零 一 二 三 四 五 六 七 八 九)
for d in 0 1 2 3 4 5 6 7 8 9; do say "say/digit-$d.wav" "${digits[$d]}"; done
echo "prompts: $(find prompts -name '*.wav' | wc -l) files, $(du -sh prompts | cut -f1)"
