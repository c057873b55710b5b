package whip

// OffersRead and OffersParsed count the offers whose bodies were read and
// the offers handed to pion, for tests that show a refusal came before.
func (s *Server) OffersRead() int64   { return s.offersRead.Load() }
func (s *Server) OffersParsed() int64 { return s.offersParsed.Load() }

// ScanOffer is the pre-scan with the default limits.
func ScanOffer(offer []byte) error {
	_, err := scanOffer(offer, OfferLimits{})
	return err
}
