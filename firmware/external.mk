include $(sort $(wildcard $(BR2_EXTERNAL_GRIDALERT_PATH)/package/*/*.mk))
