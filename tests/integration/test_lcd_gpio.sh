#!/usr/bin/env bash
# test_lcd_gpio.sh - what a person in the room sees, through the real
# daemon with [lcd] driver = sim and [gpio] driver = sim: lcd.lineN is read
# back from the HD44780 model after the driver's real byte stream, gpio.* are
# the simulated line levels, and the ack button goes through debounce.
. "$(dirname "$0")/lib.sh"

EV="$GA_ROOT/board/sim/events"
Q="?code=$GA_SECRET"
ga_config
ga_start || { not_ok "daemon starts"; ga_done; }

st=$(ga_ctl status)
check_match "idle screen before any event" 'lcd.line1: gridalert [0-9]{2}:[0-9]{2}' "$st"
check_match "lcd.driver is the model" 'lcd.driver: sim' "$st"

ga_post "/api/events$Q" "$EV/sms-received.json" >/dev/null
sleep 0.2
st=$(ga_ctl status)
check_match "an SMS shows its sender on line 1" 'lcd.line1: SMS \+14255550123' "$st"
check_match "and its text on line 2 (folded: – becomes -)" 'lcd.line2: Pump 2 pressure' "$st"
check_match "sms_led blinks" 'alarm.sms_led: blink' "$st"
check_match "buzzer chirps once" 'alarm.buzzer: (beep|off)' "$st"

ga_post "/api/events$Q" "$EV/sms-delivery-failed.json" >/dev/null
sleep 0.2
st=$(ga_ctl status)
check_match "a failed delivery report shows FAILED and n/m" 'lcd.line1: FAILED \+1425.* 1/2' "$st"
check_match "fail_led on (latched)" 'gpio.fail_led: 1' "$st"
check_match "buzzer alarm" 'alarm.buzzer: alarm' "$st"

ga_stop
ga_start || { not_ok "restart"; ga_done; }
st=$(ga_ctl status)
check_match "after a restart the unacknowledged failure shows again" \
	'lcd.line1: FAILED' "$st"
check_match "after a restart fail_led is on again" 'gpio.fail_led: 1' "$st"

check "sim press answers" "pressed ack_button" "$(ga_ctl sim press ack_button)"
sleep 0.2
st=$(ga_ctl status)
check_match "the button acknowledged everything" 'unacked: 0' "$st"
check_match "fail_led off after ack" 'gpio.fail_led: 0' "$st"
check_match "alarm off after ack" 'alarm.buzzer: off' "$st"
check_match "idle screen after ack" 'lcd.line1: gridalert' "$st"
check_match "one press counted" 'gpio.presses: 1' "$st"

r=$(ga_ctl inject chat "Grüße")
check "inject goes through the network path" '200 {"accepted":1,"duplicates":0,"ignored":0}' "$r"
sleep 0.2
check_match "injected chat on the LCD" 'lcd.line2: Gr' "$(ga_ctl status)"
check_match "test lcd" 'test pattern sent to sim' "$(ga_ctl test lcd)"
sleep 0.2
check_match "test pattern on line 1" 'lcd.line1: 0123456789ABCDEF' "$(ga_ctl status)"
ga_ctl sim press nope >/dev/null 2>&1
check "sim press of an unknown button fails with exit 1" 1 "$?"
ga_ctl test alarm nothing >/dev/null 2>&1
check "test alarm of an unknown name fails with exit 1" 1 "$?"
ga_stop
check "SIGTERM exit 0" 0 "$GA_RC"

# --- a 20x4 display: the message wraps over rows 2-4 -------------------------
rm -f "$GA_TMP/gridalert.conf" "$GA_TMP/journal"
GA_CONF_LCD=$'cols = 20\nrows = 4'
ga_config
ga_start || { not_ok "20x4: daemon starts"; ga_done; }
ga_ctl inject sms "Pump 3 pressure low, check valve before 18:00" >/dev/null
for _ in $(seq 1 50); do # the redraw is coalesced: bounded wait
	st=$(ga_ctl status)
	[[ "$st" == *"lcd.line4: 18:00"* ]] && break
	sleep 0.1
done
check "20x4: row 1 the sender" "SMS +10000000000" "$(printf '%s\n' "$st" | sed -n 's/^lcd.line1: //p')"
check "20x4: row 2 wraps at a space" "Pump 3 pressure low," "$(printf '%s\n' "$st" | sed -n 's/^lcd.line2: //p')"
check "20x4: row 3" "check valve before" "$(printf '%s\n' "$st" | sed -n 's/^lcd.line3: //p')"
check "20x4: row 4 (in 5 s)" "18:00" "$(printf '%s\n' "$st" | sed -n 's/^lcd.line4: //p')"
ga_ctl inject sms_failed "Unreachable handset" >/dev/null
for _ in $(seq 1 50); do
	st=$(ga_ctl status)
	[[ "$st" == *"lcd.line1: FAILED"* && "$st" == *"lcd.line2: "?* ]] && break
	sleep 0.1
done
check_match "20x4: the failed-delivery screen wraps too" \
	'lcd.line2: Failed: Unreachable' "$st"
check "20x4: the rest on row 3" "handset" "$(printf '%s\n' "$st" | sed -n 's/^lcd.line3: //p')"
ga_stop
check "20x4: SIGTERM exit 0" 0 "$GA_RC"
ga_done
