// The load-test target for ATQ's tests: answers any path on :8080 with 200 "ok".
// ?delay=<ms> waits that long first; ?status=<code> answers with that code.
// Built static and imported as a one-file image, since no registry is reachable here.
package main

import (
	"fmt"
	"log"
	"net/http"
	"strconv"
	"time"
)

func handle(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if d := q.Get("delay"); d != "" {
		ms, err := strconv.Atoi(d)
		if err != nil || ms < 0 || ms > 600000 {
			http.Error(w, "delay must be 0..600000 milliseconds", http.StatusBadRequest)
			return
		}
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
	status := http.StatusOK
	if s := q.Get("status"); s != "" {
		code, err := strconv.Atoi(s)
		if err != nil || code < 100 || code > 599 {
			http.Error(w, "status must be 100..599", http.StatusBadRequest)
			return
		}
		status = code
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	fmt.Fprint(w, "ok")
}

func main() {
	http.HandleFunc("/", handle)
	log.Println("atq test target listening on :8080")
	log.Fatal(http.ListenAndServe(":8080", nil))
}
