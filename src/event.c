/* event.c - class names and the dedupe key (see event.h). */
#include "event.h"

static const char *const ga_class_names[GA_CLASS__COUNT] = {
	[GA_CLASS_IGNORED] = "ignored",
	[GA_CLASS_SMS] = "sms",
	[GA_CLASS_SMS_FAILED] = "sms_failed",
	[GA_CLASS_SMS_DELIVERED] = "sms_delivered",
	[GA_CLASS_CHAT] = "chat",
	[GA_CLASS_CHAT_DELETED] = "chat_deleted",
	[GA_CLASS_CHAT_THREAD] = "chat_thread",
	[GA_CLASS_CHAT_MEMBER] = "chat_member",
	[GA_CLASS_VALIDATION] = "validation",
};

const char *ga_class_name(enum ga_class cls)
{
	if ((unsigned int)cls >= GA_CLASS__COUNT) {
		return "?";
	}
	return ga_class_names[cls];
}

int ga_class_from_name(struct ga_span name)
{
	for (unsigned int i = 0; i < GA_CLASS__COUNT; i++) {
		if (ga_span_eq(name, ga_span_str(ga_class_names[i]))) {
			return (int)i;
		}
	}
	return -1;
}

static uint64_t ga_fnv1a(uint64_t h, struct ga_span s)
{
	for (size_t i = 0; i < s.len; i++) {
		h ^= (unsigned char)s.ptr[i];
		h *= 0x100000001b3ull; /* FNV-1a 64-bit prime */
	}
	return h;
}

uint64_t ga_event_key(struct ga_span id, struct ga_span source)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64-bit offset basis */

	h = ga_fnv1a(h, id);
	h ^= 0;
	h *= 0x100000001b3ull;
	return ga_fnv1a(h, source);
}
